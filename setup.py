"""Builds the extension ebpc._ebpc with the project's CMake (pyproject.toml has the metadata).

EBPC_CMAKE_BUILD_DIR: an existing CMake build tree to reuse (make install passes
build/release, configured with EBPC_WITH_PYTHON=ON); otherwise a tree of its own under
setuptools' build_temp with the library only (no tests, CLI or benchmarks).
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("EBPC_CMAKE_BUILD_DIR")
        if build_dir:
            build_dir = os.path.abspath(build_dir)
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, "-DEBPC_WITH_PYTHON=ON",
                                   f"-DPython3_EXECUTABLE={sys.executable}"])
        else:
            build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
            gen = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, *gen, "-DCMAKE_BUILD_TYPE=Release",
                                   "-DEBPC_WITH_PYTHON=ON", "-DEBPC_BUILD_TESTS=OFF", "-DEBPC_BUILD_TOOLS=OFF",
                                   "-DEBPC_BUILD_BENCH=OFF", f"-DPython3_EXECUTABLE={sys.executable}"])
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "ebpc_python", "-j", jobs])
        built = glob.glob(os.path.join(build_dir, "python", "ebpc", "_ebpc*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _ebpc*.so in {build_dir}/python/ebpc, found {built}")
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(built[0], dest)


# setuptools' own build files go below build/setuptools (build/release is the CMake tree).
setup(ext_modules=[Extension("ebpc._ebpc", sources=[])], cmdclass={"build_ext": CMakeBuild},
      options={"build": {"build_base": os.path.join("build", "setuptools")}})
