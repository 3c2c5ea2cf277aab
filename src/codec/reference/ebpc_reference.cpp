#include "codec/reference/ebpc_reference.hpp"

namespace ebpc::reference {

namespace {

unsigned clog2(unsigned x) {
  unsigned n = 0;
  while ((1u << n) < x) {
    ++n;
  }
  return n;
}

std::string to_bits(std::uint64_t v, unsigned n) {
  std::string s;
  for (unsigned i = n; i-- > 0;) {
    s.push_back(((v >> i) & 1) != 0 ? '1' : '0');
  }
  return s;
}

std::int64_t to_signed(std::uint64_t v, unsigned w) {
  const std::uint64_t sign = std::uint64_t{1} << (w - 1);
  return (v & sign) != 0 ? static_cast<std::int64_t>(v) - static_cast<std::int64_t>(std::uint64_t{1} << w)
                         : static_cast<std::int64_t>(v);
}

// Plane p as a string of B-1 characters, d[1] first.
std::string plane_of(const std::vector<std::int64_t>& d, unsigned p, unsigned w) {
  std::string s;
  for (std::size_t i = 1; i < d.size(); ++i) {
    // (W+1)-bit two's complement of d[i]
    const std::uint64_t pattern = static_cast<std::uint64_t>(d[i]) & ((std::uint64_t{1} << (w + 1)) - 1);
    s.push_back(((pattern >> p) & 1) != 0 ? '1' : '0');
  }
  return s;
}

std::string xor_of(const std::string& a, const std::string& b) {
  std::string s;
  for (std::size_t i = 0; i < a.size(); ++i) {
    s.push_back(a[i] != b[i] ? '1' : '0');
  }
  return s;
}

std::string run_code(unsigned r, unsigned w) {
  if (r == 1) {
    return "01";
  }
  return "001" + to_bits(r - 2, clog2(w));
}

std::string encode_block(const std::vector<std::int64_t>& v, unsigned w, unsigned b) {
  std::string out = to_bits(static_cast<std::uint64_t>(v[0]) & ((std::uint64_t{1} << w) - 1), w);
  std::vector<std::int64_t> d(b, 0);
  for (unsigned i = 1; i < b; ++i) {
    d[i] = v[i] - v[i - 1];
  }
  std::vector<std::string> dbp;
  std::vector<std::string> dbx;
  for (unsigned p = 0; p <= w; ++p) {
    dbp.push_back(plane_of(d, p, w));
    dbx.push_back(p == 0 ? dbp[0] : xor_of(dbp[p], dbp[p - 1]));
  }
  const std::string zeros(b - 1, '0');
  const std::string ones(b - 1, '1');
  unsigned run = 0;
  for (unsigned p = 0; p <= w; ++p) {
    if (dbx[p] == zeros) {
      ++run;
      continue;
    }
    if (run > 0) {
      out += run_code(run, w);
      run = 0;
    }
    const std::string& x = dbx[p];
    std::size_t count = 0;
    for (char c : x) {
      count += c == '1' ? 1 : 0;
    }
    const std::size_t first = x.find('1');
    if (x == ones) {
      out += "00000";
    } else if (dbp[p] == zeros) {
      out += "00001";
    } else if (count == 2 && first + 1 < x.size() && x[first + 1] == '1') {
      out += "00010" + to_bits(first, clog2(b));
    } else if (count == 1) {
      out += "00011" + to_bits(first, clog2(b));
    } else {
      out += "1" + x;
    }
  }
  if (run > 0) {
    out += run_code(run, w);
  }
  return out;
}

struct Cursor {
  const std::string& s;
  std::size_t pos = 0;
  bool ok = true;
  std::uint64_t take(unsigned n) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (pos >= s.size()) {
        ok = false;
        return 0;
      }
      v = (v << 1) | (s[pos++] == '1' ? 1u : 0u);
    }
    return v;
  }
  bool starts_with(const char* prefix) const { return s.compare(pos, std::string(prefix).size(), prefix) == 0; }
};

}  // namespace

Streams encode(const std::vector<std::uint64_t>& values, unsigned w, unsigned b, unsigned z) {
  Streams out;
  std::vector<std::int64_t> nonzero;
  std::size_t i = 0;
  while (i < values.size()) {
    if (values[i] != 0) {
      out.znz_bits += "1";
      nonzero.push_back(to_signed(values[i], w));
      ++i;
      continue;
    }
    std::size_t k = 0;
    while (i < values.size() && values[i] == 0 && k < z) {
      ++k;
      ++i;
    }
    out.znz_bits += "0" + to_bits(k - 1, clog2(z));
  }
  while (nonzero.size() % b != 0) {
    nonzero.push_back(0);
  }
  for (std::size_t j = 0; j < nonzero.size(); j += b) {
    std::vector<std::int64_t> block(nonzero.begin() + static_cast<std::ptrdiff_t>(j),
                                    nonzero.begin() + static_cast<std::ptrdiff_t>(j + b));
    out.bpc_bits += encode_block(block, w, b);
  }
  return out;
}

std::optional<std::vector<std::uint64_t>> decode(const std::string& znz_bits, const std::string& bpc_bits,
                                                 std::size_t n, unsigned w, unsigned b, unsigned z) {
  // ZNZ: positions of the non-zero words.
  Cursor zc{znz_bits};
  std::vector<bool> is_nonzero;
  while (is_nonzero.size() < n) {
    if (zc.take(1) == 1) {
      is_nonzero.push_back(true);
    } else {
      const std::uint64_t k = zc.take(clog2(z)) + 1;
      if (is_nonzero.size() + k > n) {
        return std::nullopt;
      }
      for (std::uint64_t j = 0; j < k; ++j) {
        is_nonzero.push_back(false);
      }
    }
    if (!zc.ok) {
      return std::nullopt;
    }
  }
  std::size_t nnz = 0;
  for (bool nz : is_nonzero) {
    nnz += nz ? 1 : 0;
  }
  // BPC: ceil(nnz / B) blocks.
  Cursor bc{bpc_bits};
  std::vector<std::uint64_t> words;
  const std::string zeros(b - 1, '0');
  const std::string ones(b - 1, '1');
  while (words.size() < nnz) {
    std::vector<std::int64_t> v(b);
    v[0] = to_signed(bc.take(w), w);
    std::vector<std::string> dbp;
    std::string prev = zeros;
    while (dbp.size() <= w) {
      std::string plane;
      std::size_t count = 1;
      if (bc.starts_with("1")) {
        bc.take(1);
        plane = xor_of(prev, to_bits(bc.take(b - 1), b - 1));
      } else if (bc.starts_with("01")) {
        bc.take(2);
        plane = prev;
      } else if (bc.starts_with("001")) {
        bc.take(3);
        count = bc.take(clog2(w)) + 2;
        plane = prev;
      } else if (bc.starts_with("00000")) {
        bc.take(5);
        plane = xor_of(prev, ones);
      } else if (bc.starts_with("00001")) {
        bc.take(5);
        plane = zeros;
      } else if (bc.starts_with("00010")) {
        bc.take(5);
        const std::uint64_t idx = bc.take(clog2(b));
        if (idx + 3 > b) {
          return std::nullopt;
        }
        std::string x = zeros;
        x[idx] = '1';
        x[idx + 1] = '1';
        plane = xor_of(prev, x);
      } else if (bc.starts_with("00011")) {
        bc.take(5);
        const std::uint64_t idx = bc.take(clog2(b));
        if (idx + 2 > b) {
          return std::nullopt;
        }
        std::string x = zeros;
        x[idx] = '1';
        plane = xor_of(prev, x);
      } else {
        return std::nullopt;  // stream ended inside a code
      }
      if (!bc.ok || dbp.size() + count > w + 1) {
        return std::nullopt;
      }
      for (std::size_t j = 0; j < count; ++j) {
        dbp.push_back(plane);
      }
      prev = plane;
    }
    for (unsigned i = 1; i < b; ++i) {
      std::uint64_t pattern = 0;
      for (unsigned p = 0; p <= w; ++p) {
        pattern |= std::uint64_t{dbp[p][i - 1] == '1' ? 1u : 0u} << p;
      }
      const std::int64_t d = to_signed(pattern, w + 1);
      v[i] = v[i - 1] + d;
      const std::int64_t lo = -(std::int64_t{1} << (w - 1));
      const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
      if (v[i] < lo || v[i] > hi) {
        return std::nullopt;
      }
    }
    for (unsigned i = 0; i < b && words.size() < nnz; ++i) {
      words.push_back(static_cast<std::uint64_t>(v[i]) & ((std::uint64_t{1} << w) - 1));
    }
  }
  std::vector<std::uint64_t> out;
  std::size_t j = 0;
  for (bool nz : is_nonzero) {
    if (nz) {
      if (words[j] == 0) {
        return std::nullopt;
      }
      out.push_back(words[j++]);
    } else {
      out.push_back(0);
    }
  }
  return out;
}

std::vector<std::uint8_t> pack_padded(const std::string& bits, unsigned w) {
  std::string s = bits;
  while (s.size() % w != 0) {
    s.push_back('0');
  }
  std::vector<std::uint8_t> out((s.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '1') {
      out[i / 8] = static_cast<std::uint8_t>(out[i / 8] | (0x80u >> (i % 8)));
    }
  }
  return out;
}

}  // namespace ebpc::reference
