/* The C API (include/ebpc/ebpc.h) from C11: whole-buffer codecs, measure, containers,
 * streaming over callbacks, and the corruption suite (truncation at every byte, bit flips,
 * lying sizes, NULL pointers). Prints "N passed, M failed" and exits non-zero on failure. */
#include <ebpc/ebpc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_passed = 0;
static int g_failed = 0;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) {                                            \
      ++g_passed;                                          \
    } else {                                               \
      ++g_failed;                                          \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, " (%s)\n", ebpc_last_error_message()); \
    }                                                      \
  } while (0)

/* Seeded ReLU-like bytes: half zeros, small smooth values. */
static void make_data(uint8_t* p, size_t n, uint32_t seed) {
  uint32_t x = seed * 2654435761u + 1u;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    p[i] = ((x >> 16) & 1u) ? 0 : (uint8_t)((x >> 20) & 0x1f);
  }
}

typedef struct {
  uint8_t* data;
  size_t size;
  size_t cap;
  size_t pos;
} mem;

static int mem_write(void* user, const void* bytes, size_t n) {
  mem* m = (mem*)user;
  if (m->size + n > m->cap) {
    size_t cap = m->cap * 2 + n;
    uint8_t* p = (uint8_t*)realloc(m->data, cap);
    if (p == NULL) {
      return 1;
    }
    m->data = p;
    m->cap = cap;
  }
  memcpy(m->data + m->size, bytes, n);
  m->size += n;
  return 0;
}

static int64_t mem_read(void* user, void* buf, size_t n) {
  mem* m = (mem*)user;
  size_t left = m->size - m->pos;
  size_t k = n < left ? n : left;
  memcpy(buf, m->data + m->pos, k);
  m->pos += k;
  return (int64_t)k;
}

static void test_codecs(void) {
  enum { N = 5000 };
  static uint8_t words[N], back[N];
  make_data(words, N, 1);
  static const char* specs[] = {"ebpc", "zvc", "zrle", "bpc", "zstd-3", "lz4", "deflate-6"};
  for (size_t s = 0; s < sizeof specs / sizeof specs[0]; ++s) {
    ebpc_codec_params p;
    ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
    CHECK(ebpc_codec_params_parse(&p, specs[s]) == EBPC_OK, "parse %s", specs[s]);
    size_t bound = ebpc_bound_nbytes(&p, N);
    CHECK(bound > 0, "bound %s", specs[s]);
    uint8_t* out = (uint8_t*)malloc(bound);
    ebpc_coded_size size = {.struct_nbytes = sizeof size}, measured = {.struct_nbytes = sizeof measured};
    CHECK(ebpc_encode(&p, words, N, out, bound, &size) == EBPC_OK, "encode %s", specs[s]);
    CHECK(ebpc_measure(&p, words, N, &measured) == EBPC_OK && measured.exact_nbits == size.exact_nbits &&
              measured.nbytes == size.nbytes,
          "measure %s", specs[s]);
    CHECK(size.nbytes < N, "%s compresses", specs[s]);
    memset(back, 0xAA, N);
    CHECK(ebpc_decode(&p, out, (size_t)size.nbytes, (size_t)size.stream0_nbytes, back, N) == EBPC_OK &&
              memcmp(back, words, N) == 0,
          "decode %s", specs[s]);
    CHECK(ebpc_decode(&p, out, (size_t)size.nbytes / 2, (size_t)size.stream0_nbytes / 2, back, N) != EBPC_OK,
          "truncated %s", specs[s]);
    CHECK(ebpc_encode(&p, words, N, out, 3, &size) == EBPC_ERR_OUTPUT_TOO_SMALL, "small output %s", specs[s]);
    free(out);
  }
  ebpc_codec_params p;
  ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
  CHECK(ebpc_codec_params_parse(&p, "gzip") == EBPC_ERR_BAD_PARAMETER, "unknown codec");
  CHECK(strstr(ebpc_last_error_message(), "unknown codec 'gzip'") != NULL, "message names the codec");
  p.block_nwords = 6;
  CHECK(ebpc_bound_nbytes(&p, 10) == 0, "bad block: no bound");
  CHECK(ebpc_encode(&p, words, 10, back, N, NULL) == EBPC_ERR_BAD_PARAMETER, "bad block: encode");
  CHECK(ebpc_encode(NULL, words, 10, back, N, NULL) == EBPC_ERR_BAD_PARAMETER, "NULL params");
  CHECK(strcmp(ebpc_status_string(EBPC_ERR_TRUNCATED), "truncated input") == 0, "status string");
}

static void test_container(void) {
  enum { N = 30000 };
  static uint8_t data[N];
  make_data(data, N, 2);
  ebpc_codec_params p;
  ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
  ebpc_array_info info;
  memset(&info, 0, sizeof info);
  info.struct_nbytes = sizeof info;
  info.dtype = EBPC_DTYPE_UINT8;
  info.ndim = 2;
  info.shape[0] = 100;
  info.shape[1] = 300;
  info.chunk_nwords = 4096;
  void* file = NULL;
  size_t file_nbytes = 0;
  CHECK(ebpc_compress(&p, &info, data, N, 2, &file, &file_nbytes) == EBPC_OK, "compress");
  void* file1 = NULL;
  size_t file1_nbytes = 0;
  CHECK(ebpc_compress(&p, &info, data, N, 1, &file1, &file1_nbytes) == EBPC_OK && file1_nbytes == file_nbytes &&
            memcmp(file, file1, file_nbytes) == 0,
        "same bytes for 1 and 2 threads");
  ebpc_free(file1);
  CHECK(ebpc_compress(&p, &info, data, N - 1, 1, &file1, &file1_nbytes) == EBPC_ERR_BAD_PARAMETER, "size mismatch");

  void* back = NULL;
  size_t back_nbytes = 0;
  ebpc_codec_params p2 = {.struct_nbytes = sizeof p2};
  ebpc_array_info info2 = {.struct_nbytes = sizeof info2};
  CHECK(ebpc_decompress(file, file_nbytes, UINT64_MAX, 2, &p2, &info2, &back, &back_nbytes) == EBPC_OK &&
            back_nbytes == N && memcmp(back, data, N) == 0,
        "decompress");
  CHECK(info2.ndim == 2 && info2.shape[1] == 300 && p2.codec == EBPC_CODEC_EBPC && p2.word_nbits == 8 &&
            p2.lanes == 8 && p2.struct_nbytes == sizeof p2 && info2.struct_nbytes == sizeof info2,
        "info back (the container default of 8 lanes)");
  ebpc_free(back);
  CHECK(ebpc_decompress(file, file_nbytes, 1000, 1, NULL, NULL, &back, &back_nbytes) == EBPC_ERR_LIMIT_EXCEEDED,
        "output limit");

  /* Truncation at every byte, and bit flips: an error, never other data (on a smaller
   * file of the same data, 3000 words in chunks of 512). */
  ebpc_free(file);
  info.ndim = 1;
  info.shape[0] = 3000;
  info.chunk_nwords = 512;
  CHECK(ebpc_compress(&p, &info, data, 3000, 1, &file, &file_nbytes) == EBPC_OK, "compress small");
  int wrong = 0;
  int truncation_errors = 0;
  for (size_t len = 0; len < file_nbytes; len += 1) {
    int st = ebpc_decompress(file, len, UINT64_MAX, (unsigned)(len % 2 + 1), NULL, NULL, &back, &back_nbytes);
    if (st == EBPC_OK) {
      wrong += memcmp(back, data, 3000) != 0;
      ebpc_free(back);
    } else {
      ++truncation_errors;
    }
  }
  CHECK(truncation_errors == (int)file_nbytes, "every truncation is an error (%d of %zu)", truncation_errors,
        file_nbytes);
  uint8_t* bad = (uint8_t*)malloc(file_nbytes);
  int flip_errors = 0;
  int flips = 0;
  for (size_t bit = 0; bit < file_nbytes * 8; bit += 3) {
    memcpy(bad, file, file_nbytes);
    bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    ++flips;
    int st = ebpc_decompress(bad, file_nbytes, UINT64_MAX, 1, NULL, NULL, &back, &back_nbytes);
    if (st == EBPC_OK) {
      wrong += memcmp(back, data, 3000) != 0;
      ebpc_free(back);
    } else {
      ++flip_errors;
    }
  }
  CHECK(wrong == 0, "no damaged file decoded to other data (%d did)", wrong);
  CHECK(flip_errors * 10 > flips * 9, "flips detected: %d of %d", flip_errors, flips);
  free(bad);
  ebpc_free(file);
  info.ndim = 2;
  info.shape[0] = 100;
  info.chunk_nwords = 4096;
  CHECK(ebpc_compress(&p, &info, data, N, 1, &file, &file_nbytes) == EBPC_OK, "compress again");

  /* Streaming over callbacks, in odd pieces. */
  mem m = {NULL, 0, 0, 0};
  ebpc_writer* w = NULL;
  CHECK(ebpc_writer_create(&p, &info, 3, mem_write, &m, &w) == EBPC_OK, "writer");
  for (size_t i = 0; i < N; i += 777) {
    size_t k = N - i < 777 ? N - i : 777;
    CHECK(ebpc_writer_write(w, data + i, k) == EBPC_OK, "write piece");
  }
  CHECK(ebpc_writer_finish(w) == EBPC_OK, "finish");
  ebpc_writer_free(w);
  CHECK(m.size == file_nbytes && memcmp(m.data, file, file_nbytes) == 0, "streamed bytes equal ebpc_compress's");

  ebpc_reader* r = NULL;
  m.pos = 0;
  CHECK(ebpc_reader_open(mem_read, &m, 2, UINT64_MAX, &r) == EBPC_OK, "reader");
  ebpc_array_info info3 = {.struct_nbytes = sizeof info3};
  CHECK(ebpc_reader_info(r, NULL, &info3) == EBPC_OK && info3.shape[0] == 100, "reader info");
  static uint8_t got[N];
  size_t total = 0;
  uint8_t buf[1000];
  for (;;) {
    int64_t k = ebpc_reader_read(r, buf, sizeof buf);
    if (k <= 0) {
      CHECK(k == 0, "read status %lld", (long long)k);
      break;
    }
    if (total + (size_t)k <= N) {
      memcpy(got + total, buf, (size_t)k);
    }
    total += (size_t)k;
  }
  CHECK(total == N && memcmp(got, data, N) == 0, "streamed read back");
  ebpc_reader_free(r);

  /* A corrupt chunk through the streaming reader: an error naming the chunk. */
  m.data[file_nbytes - 5 - 8] ^= 0x10; /* before the 8-byte trailer */
  m.pos = 0;
  CHECK(ebpc_reader_open(mem_read, &m, 2, UINT64_MAX, &r) == EBPC_OK, "reader 2");
  int64_t k = 0;
  while ((k = ebpc_reader_read(r, buf, sizeof buf)) > 0) {
  }
  CHECK(k < 0 && strstr(ebpc_last_error_message(), "chunk 7") != NULL, "corrupt last chunk: %lld", (long long)k);
  ebpc_reader_free(r);
  CHECK(ebpc_reader_open(NULL, &m, 1, 0, &r) == EBPC_ERR_BAD_PARAMETER, "NULL callback");
  free(m.data);
  ebpc_free(file);
}

/* The ABI rule of ebpc.h: struct_nbytes checked, a caller's older (smaller) struct read and
 * written only as far as it goes, a newer (larger) one's unknown fields required to be 0 and
 * written as 0, lanes from the spec and into the container. */
static void test_abi(void) {
  enum { N = 40000 };
  static uint8_t data[N];
  make_data(data, N, 3);
  ebpc_codec_params p;
  CHECK(ebpc_codec_params_set_defaults(&p, sizeof p - 4, EBPC_CODEC_EBPC, 1) == EBPC_ERR_BAD_PARAMETER,
        "struct_nbytes below version 2: refused");
  CHECK(strstr(ebpc_last_error_message(), "struct_nbytes") != NULL, "the message names struct_nbytes");
  ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
  CHECK(p.struct_nbytes == sizeof p && p.word_nbits == 8 && p.block_nwords == 8 && p.lanes == 0, "init");
  p.struct_nbytes = 0; /* a version 1 caller's struct began with the codec id */
  CHECK(ebpc_bound_nbytes(&p, 10) == 0, "no struct_nbytes: no bound");
  CHECK(ebpc_encode(&p, data, 10, data, N, NULL) == EBPC_ERR_BAD_PARAMETER, "no struct_nbytes: encode refused");
  CHECK(ebpc_codec_params_parse(&p, "ebpc") == EBPC_ERR_BAD_PARAMETER, "no struct_nbytes: parse refused");

  /* A newer caller's larger struct: zeros past the known fields are accepted (and written),
   * anything else there is a field this library does not know. */
  struct {
    ebpc_codec_params p;
    uint32_t later[4];
  } big;
  memset(&big, 0, sizeof big);
  CHECK(ebpc_codec_params_set_defaults(&big.p, sizeof big, EBPC_CODEC_EBPC, 1) == EBPC_OK &&
            big.p.struct_nbytes == sizeof big,
        "larger struct: defaults");
  size_t bound = ebpc_bound_nbytes(&big.p, N);
  CHECK(bound > 0, "larger struct with zeros: bound");
  uint8_t* out = (uint8_t*)malloc(bound);
  struct {
    ebpc_coded_size s;
    uint64_t later[2];
  } bigsize;
  memset(&bigsize, 0xEE, sizeof bigsize);
  bigsize.s.struct_nbytes = sizeof bigsize;
  CHECK(ebpc_encode(&big.p, data, N, out, bound, &bigsize.s) == EBPC_OK && bigsize.later[0] == 0 &&
            bigsize.later[1] == 0 && bigsize.s.reserved == 0 && bigsize.s.struct_nbytes == sizeof bigsize &&
            bigsize.s.nbytes > 0 && bigsize.s.nbytes < N,
        "larger coded size: written, unknown fields zeroed");
  big.later[1] = 7;
  CHECK(ebpc_encode(&big.p, data, N, out, bound, NULL) == EBPC_ERR_UNSUPPORTED, "an unknown field set: refused");
  big.later[1] = 0;

  /* Lanes: parsed from the spec, 0 = the default (1 for a buffer, 8 in a container). */
  CHECK(ebpc_codec_params_parse(&p, "ebpc") == EBPC_ERR_BAD_PARAMETER, "parse still refuses struct_nbytes 0");
  ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
  CHECK(ebpc_codec_params_parse(&p, "ebpc-L4") == EBPC_OK && p.lanes == 4, "ebpc-L4: 4 lanes");
  ebpc_coded_size s4 = {.struct_nbytes = sizeof s4}, s1 = {.struct_nbytes = sizeof s1};
  const size_t bound4 = ebpc_bound_nbytes(&p, N);
  CHECK(bound4 > bound, "the lane table is in the bound");
  free(out);
  out = (uint8_t*)malloc(bound4);
  CHECK(ebpc_encode(&p, data, N, out, bound4, &s4) == EBPC_OK, "encode in 4 lanes");
  static uint8_t back[N];
  CHECK(ebpc_decode(&p, out, (size_t)s4.nbytes, (size_t)s4.stream0_nbytes, back, N) == EBPC_OK &&
            memcmp(back, data, N) == 0,
        "decode 4 lanes");
  CHECK(ebpc_codec_params_parse(&p, "ebpc") == EBPC_OK && p.lanes == 0, "ebpc: lanes 0 (the default)");
  CHECK(ebpc_measure(&p, data, N, &s1) == EBPC_OK && s1.nbytes != s4.nbytes, "a buffer's default is one lane");
  p.lanes = 33;
  CHECK(ebpc_bound_nbytes(&p, N) == 0, "33 lanes: invalid");
  CHECK(ebpc_codec_params_parse(&p, "zstd-3") == EBPC_OK && p.lanes == 0, "zstd-3: lanes 0");

  ebpc_array_info info = {.struct_nbytes = sizeof info, .dtype = EBPC_DTYPE_UINT8, .ndim = 1, .shape = {N}};
  void* file = NULL;
  size_t file_nbytes = 0;
  void* back2 = NULL;
  size_t back_nbytes = 0;
  for (uint32_t lanes = 0; lanes <= 2; ++lanes) {
    ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
    p.lanes = lanes;
    ebpc_codec_params q = {.struct_nbytes = sizeof q};
    CHECK(ebpc_compress(&p, &info, data, N, 1, &file, &file_nbytes) == EBPC_OK &&
              ebpc_decompress(file, file_nbytes, UINT64_MAX, 1, &q, NULL, &back2, &back_nbytes) == EBPC_OK &&
              back_nbytes == N && memcmp(back2, data, N) == 0 && q.lanes == (lanes == 0 ? 8u : lanes),
          "container with lanes %u: %u lanes back", lanes, q.lanes);
    ebpc_free(file);
    ebpc_free(back2);
  }
  ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
  info.struct_nbytes = 8;
  CHECK(ebpc_compress(&p, &info, data, N, 1, &file, &file_nbytes) == EBPC_ERR_BAD_PARAMETER,
        "array info without struct_nbytes: refused");
  info.struct_nbytes = sizeof info;
  CHECK(ebpc_compress(&p, &info, data, N, 1, &file, &file_nbytes) == EBPC_OK, "compress");
  ebpc_array_info out_info = {.struct_nbytes = 3};
  CHECK(ebpc_decompress(file, file_nbytes, UINT64_MAX, 1, NULL, &out_info, &back2, &back_nbytes) ==
                EBPC_ERR_BAD_PARAMETER &&
            back2 == NULL,
        "output array info without struct_nbytes: refused before decoding");
  ebpc_free(file);
  free(out);
}

int main(void) {
  CHECK(strlen(ebpc_version()) > 0, "version");
  test_codecs();
  test_container();
  test_abi();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
