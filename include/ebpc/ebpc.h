/* ebpc: Extended Bit-Plane Compression (Cavigelli, Rutishauser, Benini, JETCAS 2019).
 *
 * The C API, for FFI (Python, Rust, Julia, firmware tools): a thin layer over the C++ API
 * (ebpc.hpp, codecs.hpp, container.hpp, stream.hpp). Plain structs of fixed-width fields,
 * opaque handles, int status codes; no call throws, crashes or allocates from a size read
 * from its input. Units are in every name: _nbits, _nbytes, _nwords.
 *
 * Errors: every call returns EBPC_OK (0) or a status below; the failing call also leaves a
 * one-line message for the calling thread in ebpc_last_error_message() (it names the
 * chunk or element where that helps: "chunk 7: checksum mismatch").
 *
 * ABI: enum values and status codes are never renumbered. Each struct below begins with
 * struct_nbytes, which the caller sets to the size of the struct as its own copy of this
 * header declares it (sizeof; ebpc_codec_params_init does it), and grows only at its end,
 * with a new EBPC_C_API_VERSION. The library reads and writes only the first struct_nbytes
 * bytes, so a program built against an older header keeps working with a newer library:
 * a field its struct lacks takes its default (0 means the default in every field added
 * later), and a field the library does not know must be 0 (EBPC_ERR_UNSUPPORTED if not;
 * the library writes zeros there). A struct_nbytes below the size of version 2 is
 * EBPC_ERR_BAD_PARAMETER (version 1 structs had no struct_nbytes). */
#ifndef EBPC_EBPC_H
#define EBPC_EBPC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The functions below are what the shared library libebpc.so exports (built with hidden
 * visibility: nothing else of the library is visible in it). */
#if defined(__GNUC__) || defined(__clang__)
#define EBPC_API __attribute__((visibility("default")))
#else
#define EBPC_API
#endif

#define EBPC_C_API_VERSION 2
#define EBPC_MAX_NDIM 32

/* Status codes: the values of ebpc::Error, and two of the C layer's own. */
enum {
  EBPC_OK = 0,
  EBPC_ERR_TRUNCATED = 1,           /* the input ends before the data it announces */
  EBPC_ERR_CORRUPT = 2,             /* the input cannot be parsed, or contradicts itself */
  EBPC_ERR_LIMIT_EXCEEDED = 3,      /* a size from the input exceeds a caller limit */
  EBPC_ERR_BAD_PARAMETER = 4,       /* a parameter (or a NULL pointer) is invalid */
  EBPC_ERR_UNSUPPORTED_VERSION = 5, /* a container version this build cannot read */
  EBPC_ERR_CHECKSUM_MISMATCH = 6,   /* decoded data does not match its stored checksum */
  EBPC_ERR_IO = 7,                  /* a read or write callback failed */
  EBPC_ERR_UNSUPPORTED = 8,         /* a valid request this build does not implement */
  EBPC_ERR_OUTPUT_TOO_SMALL = 9,    /* the caller's output buffer is too small */
  EBPC_ERR_HARDWARE_HANG = 10,      /* the modelled published RTL hangs on this input */
  EBPC_ERR_CANCELLED = 11,
  EBPC_ERR_OUT_OF_MEMORY = 100,
  EBPC_ERR_INTERNAL = 101
};

/* Codec ids (as stored in .ebpc files). */
enum {
  EBPC_CODEC_EBPC = 1,
  EBPC_CODEC_ZVC = 2,
  EBPC_CODEC_ZRLE = 3,
  EBPC_CODEC_BPC = 4,
  EBPC_CODEC_ZSTD = 5,
  EBPC_CODEC_LZ4 = 6,
  EBPC_CODEC_DEFLATE = 7,
  EBPC_CODEC_EBPCX = 8  /* buffers: fixed-point words, no context geometry; containers: the array's */
};

/* Element types (as stored in .ebpc files). */
enum {
  EBPC_DTYPE_INT8 = 1,
  EBPC_DTYPE_UINT8 = 2,
  EBPC_DTYPE_INT16 = 3,
  EBPC_DTYPE_UINT16 = 4,
  EBPC_DTYPE_FLOAT16 = 5,
  EBPC_DTYPE_INT32 = 6,
  EBPC_DTYPE_UINT32 = 7,
  EBPC_DTYPE_FLOAT32 = 8,
  EBPC_DTYPE_BFLOAT16 = 9
};

/* A codec and its parameters. Words are elem_nbytes-byte host-order elements holding
 * W-bit patterns in their low bits. */
typedef struct ebpc_codec_params {
  uint32_t struct_nbytes;       /* sizeof(ebpc_codec_params) (ABI, above) */
  uint32_t codec;               /* EBPC_CODEC_* */
  uint32_t word_nbits;          /* W: 2..32, at most elem_nbytes * 8 */
  uint32_t elem_nbytes;         /* 1, 2 or 4 */
  uint32_t block_nwords;        /* B (ebpc, bpc): 2, 4, 8, 16, 32 */
  uint32_t max_zero_run_nwords; /* Z (ebpc): a power of two 2..256 */
  int32_t level;                /* zstd / deflate level, 0 = the codec's default */
  uint32_t lanes;               /* L (ebpc): lanes per buffer or chunk, 1..32 (docs/format.md
                                   "Lanes"); 0 = the default: 1 for ebpc_encode, 8 for
                                   containers. Other codecs: 0 or 1. */
} ebpc_codec_params;

/* Sizes of one coded buffer (word codecs: exact_nbits unpadded, padded_nbits padded to
 * whole W-bit words; EBPC: the two streams). */
typedef struct ebpc_coded_size {
  uint32_t struct_nbytes; /* sizeof(ebpc_coded_size), set by the caller (ABI, above) */
  uint32_t reserved;      /* 0 */
  uint64_t nbytes;
  uint64_t stream0_nbytes; /* EBPC: bytes of the ZNZ stream (the BPC stream follows) */
  uint64_t exact_nbits;
  uint64_t padded_nbits;
  uint64_t znz_nbits;
  uint64_t bpc_nbits;
} ebpc_coded_size;

/* An array in a container. */
typedef struct ebpc_array_info {
  uint32_t struct_nbytes; /* sizeof(ebpc_array_info), set by the caller (ABI, above) */
  uint32_t dtype;         /* EBPC_DTYPE_* */
  uint32_t ndim;          /* 0..EBPC_MAX_NDIM */
  uint32_t fortran_order; /* 0 = C order */
  uint32_t chunk_nwords;  /* words per independent chunk; 0 = the default (1 Mi) */
  uint32_t reserved;      /* 0 */
  uint64_t shape[EBPC_MAX_NDIM];
} ebpc_array_info;

EBPC_API const char* ebpc_version(void);
/* A short, stable text for a status ("truncated input", ...). */
EBPC_API const char* ebpc_status_string(int status);
/* The calling thread's message of its last failed call ("" if none). */
EBPC_API const char* ebpc_last_error_message(void);

/* Defaults for a codec and element size: W = elem_nbytes * 8, B = 8, Z = 16, level 0,
 * lanes 0 (the default), in the first struct_nbytes bytes of *params (the struct as the
 * caller's header declares it; every byte past the fields this library knows is zeroed).
 * EBPC_ERR_BAD_PARAMETER for a NULL params or a struct_nbytes below version 2's size. */
EBPC_API int ebpc_codec_params_set_defaults(ebpc_codec_params* params, size_t struct_nbytes, uint32_t codec,
                                   uint32_t elem_nbytes);
/* The same with this header's size: what a C or C++ caller uses. */
static inline void ebpc_codec_params_init(ebpc_codec_params* params, uint32_t codec, uint32_t elem_nbytes) {
  (void)ebpc_codec_params_set_defaults(params, sizeof *params, codec, elem_nbytes);
}
/* "ebpc", "ebpc-L8", "zstd-19", "deflate-9", ...: sets params->codec, params->level and
 * params->lanes (0 where the spec names none); reads only params->struct_nbytes (the other
 * fields may be uninitialised; they are left as they are). */
EBPC_API int ebpc_codec_params_parse(ebpc_codec_params* params, const char* spec);

/* Whole buffers. ebpc_bound_nbytes is 0 for invalid params. ebpc_encode needs
 * out_nbytes >= ebpc_bound_nbytes(params, nwords) for every codec, even where the output
 * turns out smaller (EBPC_ERR_OUTPUT_TOO_SMALL otherwise): an exact fit is not enough. For the
 * exact size without an output buffer use ebpc_measure. */
EBPC_API size_t ebpc_bound_nbytes(const ebpc_codec_params* params, size_t nwords);
EBPC_API int ebpc_encode(const ebpc_codec_params* params, const void* words, size_t nwords, void* out, size_t out_nbytes,
                ebpc_coded_size* size_out);
/* in_nbytes and stream0_nbytes exactly as ebpc_encode reported them. */
EBPC_API int ebpc_decode(const ebpc_codec_params* params, const void* in, size_t in_nbytes, size_t stream0_nbytes,
                void* words_out, size_t nwords);
/* The sizes ebpc_encode would report, without an output buffer. */
EBPC_API int ebpc_measure(const ebpc_codec_params* params, const void* words, size_t nwords, ebpc_coded_size* size_out);

/* Whole .ebpc containers. params->elem_nbytes must be the dtype's size. *out is allocated
 * with malloc: free it with ebpc_free. */
EBPC_API int ebpc_compress(const ebpc_codec_params* params, const ebpc_array_info* info, const void* data,
                  size_t data_nbytes, unsigned threads, void** out, size_t* out_nbytes);
/* max_output_nbytes: the caller's limit on the decoded size (EBPC_ERR_LIMIT_EXCEEDED). */
EBPC_API int ebpc_decompress(const void* in, size_t in_nbytes, uint64_t max_output_nbytes, unsigned threads,
                    ebpc_codec_params* params_out, ebpc_array_info* info_out, void** out, size_t* out_nbytes);
EBPC_API void ebpc_free(void* p);

/* Streaming .ebpc, over callbacks. A write callback writes all nbytes and returns 0, or
 * non-zero to fail the stream (EBPC_ERR_IO). A read callback reads up to nbytes and
 * returns how many (fewer only at the end of the input), or -1 on error. The reader with
 * threads > 1 calls its callback from a thread of its own, one call at a time. */
typedef int (*ebpc_write_fn)(void* user, const void* bytes, size_t nbytes);
typedef int64_t (*ebpc_read_fn)(void* user, void* buf, size_t nbytes);

typedef struct ebpc_writer ebpc_writer;
typedef struct ebpc_reader ebpc_reader;

/* threads: coding threads, 0 = one per core; the bytes are the same for any count. */
EBPC_API int ebpc_writer_create(const ebpc_codec_params* params, const ebpc_array_info* info, unsigned threads,
                       ebpc_write_fn write, void* user, ebpc_writer** writer_out);
EBPC_API int ebpc_writer_write(ebpc_writer* writer, const void* data, size_t nbytes);
EBPC_API int ebpc_writer_finish(ebpc_writer* writer);
EBPC_API void ebpc_writer_free(ebpc_writer* writer);

EBPC_API int ebpc_reader_open(ebpc_read_fn read, void* user, unsigned threads, uint64_t max_output_nbytes,
                     ebpc_reader** reader_out);
EBPC_API int ebpc_reader_info(const ebpc_reader* reader, ebpc_codec_params* params_out, ebpc_array_info* info_out);
/* Decoded element bytes into buf: how many (0 at the end, after checking that nothing
 * follows the last chunk), or minus a status on error. */
EBPC_API int64_t ebpc_reader_read(ebpc_reader* reader, void* buf, size_t nbytes);
EBPC_API void ebpc_reader_free(ebpc_reader* reader);

#ifdef __cplusplus
}
#endif

#endif /* EBPC_EBPC_H */
