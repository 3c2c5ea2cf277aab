// The library's streaming container (include/ebpc/stream.hpp): bytes identical to the
// whole-buffer container for any thread count and any write sizes, chunk-order errors,
// the corruption suite (truncation at every byte, bit flips, lying headers) on the
// reader, bounded memory on lying sizes, cancellation, and the memory budget.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include <ebpc/container.hpp>
#include <ebpc/stream.hpp>

#include "common/endian.hpp"
#include "testutil.hpp"

namespace {

using ebpc::ContainerHeader;
using ebpc::ContainerReader;
using ebpc::ContainerWriter;
using ebpc::StreamOptions;

ContainerHeader make_header(std::uint64_t nwords, std::uint32_t chunk_nwords, ebpc::CodecId id = ebpc::CodecId::ebpc) {
  ContainerHeader h;
  h.codec.id = id;
  h.codec.word_nbits = 8;
  h.codec.elem_nbytes = 1;
  h.dtype = ebpc::DType::uint8;
  h.shape = {nwords};
  h.nwords = nwords;
  h.chunk_nwords = chunk_nwords;
  return h;
}

std::vector<std::uint8_t> sample_elems(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto words = ebpc::test::random_words(rng, n, 8, 0.5, true);
  return std::vector<std::uint8_t>(words.begin(), words.end());
}

std::vector<std::uint8_t> write_stream(const ContainerHeader& h, std::span<const std::uint8_t> elems, unsigned threads,
                                       std::size_t piece) {
  std::vector<std::uint8_t> out;
  StreamOptions so;
  so.threads = threads;
  auto w = ContainerWriter::create(h, ebpc::vector_sink(out), so);
  EXPECT_TRUE(w.has_value());
  for (std::size_t i = 0; i < elems.size(); i += piece) {
    auto r = (*w)->write(elems.subspan(i, std::min(piece, elems.size() - i)));
    EXPECT_TRUE(r.has_value()) << r.error().message;
  }
  auto f = (*w)->finish();
  EXPECT_TRUE(f.has_value()) << f.error().message;
  EXPECT_EQ((*w)->totals().container_nbytes, out.size());
  return out;
}

ebpc::Outcome<std::vector<std::uint8_t>> read_stream(std::span<const std::uint8_t> file, unsigned threads) {
  StreamOptions so;
  so.threads = threads;
  auto r = ContainerReader::open(ebpc::memory_source(file), so);
  if (!r) {
    return tl::unexpected(r.error());
  }
  std::vector<std::uint8_t> out((*r)->header().nwords * (*r)->header().codec.elem_nbytes);
  auto all = (*r)->read_all(out);
  if (!all) {
    return tl::unexpected(all.error());
  }
  return out;
}

TEST(Stream, WriterMatchesWholeBufferForAnyThreadsAndPieces) {
  const auto elems = sample_elems(10007, 1);
  const auto h = make_header(elems.size(), 1000);
  auto whole = ebpc::compress_container(elems, h);
  ASSERT_TRUE(whole.has_value());
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    for (std::size_t piece : {std::size_t{1}, std::size_t{999}, std::size_t{4096}, elems.size()}) {
      if (piece == 1 && threads > 2) {
        continue;  // slow and adds nothing
      }
      EXPECT_EQ(write_stream(h, elems, threads, piece), *whole) << threads << " threads, pieces of " << piece;
    }
  }
}

TEST(Stream, WriteFromSourceMatches) {
  const auto elems = sample_elems(5000, 2);
  const auto h = make_header(elems.size(), 333);
  auto whole = ebpc::compress_container(elems, h);
  ASSERT_TRUE(whole.has_value());
  std::vector<std::uint8_t> out;
  StreamOptions so;
  so.threads = 3;
  auto w = ContainerWriter::create(h, ebpc::vector_sink(out), so);
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE((*w)->write_from(ebpc::memory_source(elems)).has_value());
  ASSERT_TRUE((*w)->finish().has_value());
  EXPECT_EQ(out, *whole);
  // A source that ends early: truncated, after the chunks before it.
  std::vector<std::uint8_t> out2;
  auto w2 = ContainerWriter::create(h, ebpc::vector_sink(out2), so);
  auto r = (*w2)->write_from(ebpc::memory_source(std::span(elems).first(4000)));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ebpc::Error::truncated);
}

TEST(Stream, WriterCountsAndValueErrorsInChunkOrder) {
  auto elems = sample_elems(3000, 3);
  auto h = make_header(elems.size(), 100);
  h.codec.word_nbits = 7;
  for (auto& e : elems) {
    e = static_cast<std::uint8_t>(e & 0x7f);
  }
  elems[1234] = 0x80;  // does not fit 7 bits
  elems[2500] = 0xff;
  for (unsigned threads : {1u, 4u}) {
    std::vector<std::uint8_t> out;
    StreamOptions so;
    so.threads = threads;
    auto w = ContainerWriter::create(h, ebpc::vector_sink(out), so);
    ASSERT_TRUE(w.has_value());
    auto r = (*w)->write(elems);
    auto f = r ? (*w)->finish() : r;
    ASSERT_FALSE(f.has_value());
    EXPECT_EQ(f.error().message, "value at flat index 1234 does not fit in 7 bits") << threads;
  }
  // Too much and too little data.
  auto h2 = make_header(100, 30);
  std::vector<std::uint8_t> out;
  auto w = ContainerWriter::create(h2, ebpc::vector_sink(out));
  ASSERT_TRUE((*w)->write(std::span(elems).first(60)).has_value());
  EXPECT_EQ((*w)->finish().error().code, ebpc::Error::bad_parameter);
  auto w3 = ContainerWriter::create(h2, ebpc::vector_sink(out));
  EXPECT_EQ((*w3)->write(std::span(elems).first(101)).error().code, ebpc::Error::bad_parameter);
}

TEST(Stream, ReaderRoundTripsAnyThreadsAndPieces) {
  const auto elems = sample_elems(20000, 4);
  for (auto id : {ebpc::CodecId::ebpc, ebpc::CodecId::zstd, ebpc::CodecId::deflate}) {
    const auto h = make_header(elems.size(), 1111, id);
    auto file = ebpc::compress_container(elems, h);
    ASSERT_TRUE(file.has_value());
    for (unsigned threads : {1u, 2u, 5u}) {
      auto back = read_stream(*file, threads);
      ASSERT_TRUE(back.has_value()) << back.error().message;
      EXPECT_EQ(*back, elems);
    }
    // read() in odd pieces.
    auto r = ContainerReader::open(ebpc::memory_source(*file));
    ASSERT_TRUE(r.has_value());
    std::vector<std::uint8_t> got;
    std::uint8_t buf[777];
    while (true) {
      auto n = (*r)->read(buf);
      ASSERT_TRUE(n.has_value());
      if (*n == 0) {
        break;
      }
      got.insert(got.end(), buf, buf + *n);
    }
    EXPECT_EQ(got, elems);
    EXPECT_EQ((*r)->totals().container_nbytes, file->size());
  }
}

TEST(Stream, EmptyArray) {
  const auto h = make_header(0, 1000);
  const auto file = write_stream(h, {}, 2, 1);
  auto back = read_stream(file, 2);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->empty());
}

TEST(Stream, ReaderTruncatedAtEveryByte) {
  const auto elems = sample_elems(2000, 5);
  const auto h = make_header(elems.size(), 300);
  auto file = ebpc::compress_container(elems, h);
  ASSERT_TRUE(file.has_value());
  for (std::size_t len = 0; len < file->size(); ++len) {
    auto back = read_stream(std::span(*file).first(len), static_cast<unsigned>(len % 3 + 1));
    ASSERT_FALSE(back.has_value()) << "cut to " << len;
    EXPECT_TRUE(back.error().code == ebpc::Error::truncated || back.error().code == ebpc::Error::corrupt)
        << len << ": " << back.error().message;
  }
  // Trailing data.
  auto longer = *file;
  longer.push_back(0);
  auto back = read_stream(longer, 2);
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().message, "trailing data after the last chunk");
}

TEST(Stream, ReaderBitFlipsNeverGiveOtherData) {
  const auto elems = sample_elems(1500, 6);
  const auto h = make_header(elems.size(), 256);
  auto file = ebpc::compress_container(elems, h);
  ASSERT_TRUE(file.has_value());
  std::size_t detected = 0;
  for (std::size_t bit = 0; bit < file->size() * 8; bit += 3) {
    auto bad = *file;
    bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (1u << (bit % 8)));
    auto back = read_stream(bad, bit % 2 + 1);
    if (back) {
      ASSERT_EQ(*back, elems) << "bit " << bit;
    } else {
      ++detected;
    }
  }
  EXPECT_GT(detected, file->size() * 8 / 3 * 9 / 10);
}

TEST(Stream, ReaderReportsFirstBadChunkForAnyThreads) {
  const auto elems = sample_elems(5000, 7);
  const auto h = make_header(elems.size(), 100);
  auto file = ebpc::compress_container(elems, h);
  ASSERT_TRUE(file.has_value());
  // Damage the checksums of chunks 17 and 30.
  std::size_t off = ebpc::serialize_header(h).size();
  for (std::uint64_t k = 0; k < h.nchunks(); ++k) {
    const auto payload = ebpc::load_le<std::uint32_t>(file->data() + off);
    if (k == 17 || k == 30) {
      (*file)[off + 8] ^= 1;
    }
    off += ebpc::k_chunk_header_nbytes + payload;
  }
  for (unsigned threads : {1u, 2u, 7u}) {
    auto back = read_stream(*file, threads);
    ASSERT_FALSE(back.has_value());
    EXPECT_EQ(back.error().message, "chunk 17: checksum mismatch") << threads;
  }
}

// The whole-buffer calls into caller buffers (what the Python binding calls): the same
// bytes as compress_container for any thread count, the same first bad chunk, the value
// that does not fit named, and an output buffer of any other size refused.
TEST(Stream, IntoCallerBuffersForAnyThreads) {
  auto elems = sample_elems(5000, 8);
  auto h = make_header(elems.size(), 300);
  auto file = ebpc::compress_container(elems, h);
  ASSERT_TRUE(file.has_value());
  for (unsigned threads : {1u, 2u, 5u, 0u}) {
    std::vector<std::uint8_t> out(ebpc::container_bound_nbytes(h), 0xee);
    auto n = ebpc::compress_container_into(elems, h, out, threads);
    ASSERT_TRUE(n.has_value()) << n.error().message;
    out.resize(*n);
    EXPECT_EQ(out, *file) << threads;
    std::vector<std::uint8_t> back(elems.size(), 0x11);
    auto d = ebpc::decompress_container_into(*file, back, threads);
    ASSERT_TRUE(d.has_value()) << d.error().message;
    EXPECT_EQ(back, elems);
    std::vector<std::uint8_t> wrong(elems.size() + 1);
    EXPECT_EQ(ebpc::decompress_container_into(*file, wrong, threads).error().code, ebpc::Error::bad_parameter);
    wrong.resize(elems.size() - 1);
    EXPECT_EQ(ebpc::decompress_container_into(*file, wrong, threads).error().code, ebpc::Error::bad_parameter);
  }
  std::vector<std::uint8_t> small(ebpc::container_bound_nbytes(h) - 1);
  EXPECT_EQ(ebpc::compress_container_into(elems, h, small, 1).error().code, ebpc::Error::output_too_small);
  // Damage chunks 3 and 9 (their checksums), then the trailing bytes.
  auto bad = *file;
  std::size_t off = ebpc::serialize_header(h).size();
  for (std::uint64_t k = 0; k < h.nchunks(); ++k) {
    const auto payload = ebpc::load_le<std::uint32_t>(bad.data() + off);
    if (k == 3 || k == 9) {
      bad[off + 8] ^= 1;
    }
    off += ebpc::k_chunk_header_nbytes + payload;
  }
  std::vector<std::uint8_t> back(elems.size());
  for (unsigned threads : {1u, 3u}) {
    auto d = ebpc::decompress_container_into(bad, back, threads);
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().message, "chunk 3: checksum mismatch") << threads;
  }
  auto trailing = *file;
  trailing.push_back(0);
  EXPECT_EQ(ebpc::decompress_container_into(trailing, back, 2).error().message,
            "trailing data after the last chunk: corrupt input");
  const std::vector<std::uint8_t> junk = {'n', 'o', 'p', 'e', 0, 0, 0, 0};
  EXPECT_EQ(ebpc::decompress_container_into(junk, back, 1).error().message, "not an .ebpc container");
  // A value that does not fit W, found in a later wave of chunks.
  h.codec.word_nbits = 7;
  for (auto& e : elems) {
    e = static_cast<std::uint8_t>(e & 0x7f);
  }
  elems[4321] = 0x80;
  std::vector<std::uint8_t> out(ebpc::container_bound_nbytes(h));
  for (unsigned threads : {1u, 2u}) {
    auto n = ebpc::compress_container_into(elems, h, out, threads);
    ASSERT_FALSE(n.has_value());
    EXPECT_EQ(n.error().message, "value at flat index 4321 does not fit in 7 bits") << threads;
  }
}

TEST(Stream, LyingPayloadSizeCostsNoMemory) {
  // A header whose first chunk claims the largest payload its bound allows, then ends.
  const auto h = make_header(std::uint64_t{200} << 20, 200u << 20, ebpc::CodecId::zstd);
  auto file = ebpc::serialize_header(h);
  std::uint8_t ch[ebpc::k_chunk_header_nbytes] = {};
  const auto limit = static_cast<std::uint32_t>(ebpc::chunk_bound_nbytes(h, h.chunk_nwords) - ebpc::k_chunk_header_nbytes);
  ebpc::store_le<std::uint32_t>(ch, limit);
  ebpc::store_le<std::uint32_t>(ch + 4, limit);  // one stream (zstd): stream0 = payload
  file.insert(file.end(), ch, ch + sizeof ch);
  file.resize(file.size() + 100, 0);
  StreamOptions so;
  so.threads = 1;
  auto r = ContainerReader::open(ebpc::memory_source(file), so);
  ASSERT_TRUE(r.has_value());
  auto c = (*r)->next_chunk();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ebpc::Error::truncated);
  // The memory budget refuses chunks that do not fit, and limits threads to what fits.
  so.memory_budget_nbytes = 64 << 20;
  auto r2 = ContainerReader::open(ebpc::memory_source(file), so);
  ASSERT_FALSE(r2.has_value());
  EXPECT_EQ(r2.error().code, ebpc::Error::limit_exceeded);
  so.max_output_nbytes = 1 << 20;
  so.memory_budget_nbytes = 0;
  auto r3 = ContainerReader::open(ebpc::memory_source(file), so);
  ASSERT_FALSE(r3.has_value());
  EXPECT_EQ(r3.error().code, ebpc::Error::limit_exceeded);
}

TEST(Stream, BudgetStillRoundTrips) {
  const auto elems = sample_elems(50000, 8);
  const auto h = make_header(elems.size(), 1000);
  auto file = ebpc::compress_container(elems, h);
  StreamOptions so;
  so.threads = 8;
  so.memory_budget_nbytes = ebpc::chunk_slot_nbytes(h) * 2;  // two slots: one worker
  auto r = ContainerReader::open(ebpc::memory_source(*file), so);
  ASSERT_TRUE(r.has_value());
  std::vector<std::uint8_t> out(elems.size());
  ASSERT_TRUE((*r)->read_all(out).has_value());
  EXPECT_EQ(out, elems);
}

TEST(Stream, Cancellation) {
  const auto elems = sample_elems(10000, 9);
  const auto h = make_header(elems.size(), 100);
  auto file = ebpc::compress_container(elems, h);
  std::atomic<bool> cancel{false};
  StreamOptions so;
  so.threads = 2;
  so.cancel = &cancel;
  auto r = ContainerReader::open(ebpc::memory_source(*file), so);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE((*r)->next_chunk().has_value());
  cancel = true;
  auto c = (*r)->next_chunk();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ebpc::Error::cancelled);
  std::vector<std::uint8_t> out;
  cancel = false;
  auto w = ContainerWriter::create(h, ebpc::vector_sink(out), so);
  ASSERT_TRUE((*w)->write(std::span(elems).first(500)).has_value());
  cancel = true;
  EXPECT_EQ((*w)->write(std::span(elems).subspan(500)).error().code, ebpc::Error::cancelled);
}

TEST(Stream, ScanSumsSizesWithoutDecoding) {
  const auto elems = sample_elems(3000, 10);
  const auto h = make_header(elems.size(), 500);
  auto file = ebpc::compress_container(elems, h);
  auto r = ContainerReader::open(ebpc::memory_source(*file));
  ASSERT_TRUE((*r)->scan().has_value());
  EXPECT_EQ((*r)->totals().container_nbytes, file->size());
  EXPECT_EQ((*r)->totals().nchunks, h.nchunks());
  // A bad chunk checksum: scan decodes nothing, but version 3's trailer no longer matches.
  (*file)[ebpc::serialize_header(h).size() + 8] ^= 1;
  auto bad = ContainerReader::open(ebpc::memory_source(*file));
  auto s = (*bad)->scan();
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ebpc::Error::checksum_mismatch);
  // Version 2 has no trailer: scan does not see it there.
  auto h2 = h;
  h2.version = 2;
  auto v2 = ebpc::compress_container(elems, h2);
  (*v2)[ebpc::serialize_header(h2).size() + 8] ^= 1;
  auto r2 = ContainerReader::open(ebpc::memory_source(*v2));
  ASSERT_TRUE((*r2)->scan().has_value());
  EXPECT_EQ((*r2)->totals().container_nbytes, v2->size());
}

// Swaps two chunks of equal length (their checksums are not recomputed).
std::vector<std::uint8_t> swap_chunks(std::vector<std::uint8_t> file, const ContainerHeader& h, std::uint64_t a,
                                      std::uint64_t b) {
  std::vector<std::size_t> offs;
  std::size_t off = ebpc::serialize_header(h).size();
  for (std::uint64_t k = 0; k < h.nchunks(); ++k) {
    offs.push_back(off);
    off += ebpc::k_chunk_header_nbytes + ebpc::load_le<std::uint32_t>(file.data() + off);
  }
  const std::size_t la = ebpc::k_chunk_header_nbytes + ebpc::load_le<std::uint32_t>(file.data() + offs[a]);
  const std::size_t lb = ebpc::k_chunk_header_nbytes + ebpc::load_le<std::uint32_t>(file.data() + offs[b]);
  EXPECT_EQ(la, lb);
  std::swap_ranges(file.begin() + static_cast<std::ptrdiff_t>(offs[a]),
                   file.begin() + static_cast<std::ptrdiff_t>(offs[a] + la),
                   file.begin() + static_cast<std::ptrdiff_t>(offs[b]));
  return file;
}

TEST(Stream, ChunksAreBoundToTheirPlace) {
  // Zeros: every chunk codes to the same length, so any two can be swapped.
  std::vector<std::uint8_t> elems(4000, 0);
  elems[10] = 3;
  elems[1010] = 5;
  const auto h = make_header(elems.size(), 1000);
  auto file = ebpc::compress_container(elems, h);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ((*file)[4], 3);
  const auto swapped = swap_chunks(*file, h, 0, 1);
  ASSERT_NE(swapped, *file);
  for (unsigned threads : {1u, 2u}) {
    auto back = read_stream(swapped, threads);
    ASSERT_FALSE(back.has_value());
    EXPECT_EQ(back.error().message, "chunk 0: checksum mismatch");
  }
  ebpc::ContainerHeader hh;
  EXPECT_EQ(ebpc::decompress_container(swapped, &hh, UINT64_MAX).error(), ebpc::Error::checksum_mismatch);
  // A chunk spliced in from another file with the same parameters but another shape.
  auto h2 = h;
  h2.shape = {2, 2000};
  auto other = ebpc::compress_container(elems, h2);
  auto spliced = *file;
  const std::size_t hdr = ebpc::serialize_header(h).size();
  const std::size_t hdr2 = ebpc::serialize_header(h2).size();
  std::copy(other->begin() + static_cast<std::ptrdiff_t>(hdr2), other->end(),
            spliced.begin() + static_cast<std::ptrdiff_t>(hdr));
  EXPECT_FALSE(read_stream(spliced, 1).has_value());
  // Version 1 files are read; their chunks are not bound (the swap goes unnoticed there).
  auto h1 = h;
  h1.version = 1;
  auto v1 = ebpc::compress_container(elems, h1);
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ((*v1)[4], 1);
  auto back1 = read_stream(*v1, 2);
  ASSERT_TRUE(back1.has_value());
  EXPECT_EQ(*back1, elems);
  auto r = ContainerReader::open(ebpc::memory_source(*v1));
  EXPECT_EQ((*r)->header().version, 1);
}

TEST(Stream, NotAContainer) {
  const std::vector<std::uint8_t> junk = {'N', 'U', 'M', 'P', 'Y', 0, 0, 0};
  auto r = ContainerReader::open(ebpc::memory_source(junk));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "not an .ebpc file");
}

}  // namespace
