// The .npy header parser reads the header as the Python literal it is: what numpy writes is
// accepted, what numpy's own reader rejects is an error.
#include <gtest/gtest.h>

#include <string>

#include <ebpc/npy.hpp>

namespace {

std::vector<std::uint8_t> npy_with_dict(const std::string& dict_text) {
  std::string dict = dict_text;
  while ((10 + dict.size() + 1) % 64 != 0) {
    dict += ' ';
  }
  dict += '\n';
  std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(static_cast<std::uint8_t>(dict.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(dict.size() >> 8));
  out.insert(out.end(), dict.begin(), dict.end());
  return out;
}

ebpc::Result<ebpc::NpyHeader> parse(const std::string& dict) { return ebpc::parse_npy_header(npy_with_dict(dict)); }

TEST(Npy, AcceptsWhatNumpyWrites) {
  auto h = parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->dtype, ebpc::DType::float32);
  EXPECT_EQ(h->shape, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_TRUE(parse("{\"descr\": \"|u1\", \"fortran_order\": True, \"shape\": (5,)}").has_value());
  EXPECT_TRUE(parse("{'shape': (), 'fortran_order': False, 'descr': '<i2'}").has_value());  // any key order, 0-d
  auto own = ebpc::make_npy_header(ebpc::DType::int16, std::vector<std::uint64_t>{4, 5, 6}, true);
  auto back = ebpc::parse_npy_header(own);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->fortran_order);
  EXPECT_EQ(back->shape.size(), 3u);
}

TEST(Npy, RejectsWhatNumpyRejects) {
  // A key found only inside another key's string value.
  EXPECT_FALSE(parse("{'descr': '<f4', 'x': \"'fortran_order': False, 'shape': (2,)\"}").has_value());
  EXPECT_FALSE(parse("{'descr': '<f4', 'fortran_order': Truex, 'shape': (2,)}").has_value());
  EXPECT_FALSE(parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}").has_value());
  EXPECT_FALSE(parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (3,)}").has_value());
  EXPECT_FALSE(parse("{'descr': '<f4', 'fortran_order': False}").has_value());  // no shape
  EXPECT_FALSE(parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2)}").has_value());  // (2) is not a tuple
  EXPECT_FALSE(parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk").has_value());
  EXPECT_FALSE(parse("'descr': '<f4', 'fortran_order': False, 'shape': (2,)").has_value());  // not a dict
  EXPECT_EQ(parse("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}").error(), ebpc::Error::unsupported);
  EXPECT_EQ(parse("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}").error(), ebpc::Error::unsupported);
}

}  // namespace
