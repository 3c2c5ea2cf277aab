/* README "The library", C streaming example: an .ebpc written through a callback, then
 * read back through another. */
#include <ebpc/ebpc.h>
#include <stdio.h>
#include <string.h>

static int to_file(void* f, const void* p, size_t n) { return fwrite(p, 1, n, (FILE*)f) == n ? 0 : 1; }
static int64_t from_file(void* f, void* p, size_t n) { return (int64_t)fread(p, 1, n, (FILE*)f); }

int main(void) {
  static uint8_t data[100000], back[100000];
  for (size_t i = 0; i < sizeof data; ++i) data[i] = (uint8_t)(i % 7 == 0 ? i % 31 : 0);
  ebpc_codec_params p;
  ebpc_codec_params_init(&p, EBPC_CODEC_EBPC, 1);
  ebpc_array_info info = {.struct_nbytes = sizeof info, .dtype = EBPC_DTYPE_UINT8, .ndim = 1, .shape = {sizeof data}};
  FILE* f = tmpfile();
  ebpc_writer* w;
  if (ebpc_writer_create(&p, &info, 2, to_file, f, &w) != EBPC_OK || ebpc_writer_write(w, data, sizeof data) ||
      ebpc_writer_finish(w)) {
    fprintf(stderr, "%s\n", ebpc_last_error_message());
    return 1;
  }
  ebpc_writer_free(w);
  rewind(f);
  ebpc_reader* r;
  if (ebpc_reader_open(from_file, f, 2, UINT64_MAX, &r) != EBPC_OK) return 1;
  int64_t n = ebpc_reader_read(r, back, sizeof back);
  printf("stream_example.c: %lld bytes back, %s\n", (long long)n, memcmp(back, data, sizeof data) ? "differ" : "same");
  ebpc_reader_free(r);
  return n == (int64_t)sizeof data && memcmp(back, data, sizeof data) == 0 ? 0 : 1;
}
