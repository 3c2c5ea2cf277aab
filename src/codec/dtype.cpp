// Element types and the element <-> word conversion (include/ebpc/dtype.hpp).
#include <array>
#include <string>
#include <ebpc/dtype.hpp>

#include "common/check.hpp"
#include "common/endian.hpp"
#include "common/table.hpp"

namespace ebpc {

namespace {

constexpr std::array<DTypeInfo, 9> k_dtypes = {{
    {DType::int8, "int8", 1, true, false},
    {DType::uint8, "uint8", 1, false, false},
    {DType::int16, "int16", 2, true, false},
    {DType::uint16, "uint16", 2, false, false},
    {DType::float16, "float16", 2, false, true},
    {DType::int32, "int32", 4, true, false},
    {DType::uint32, "uint32", 4, false, false},
    {DType::float32, "float32", 4, false, true},
    {DType::bfloat16, "bfloat16", 2, false, true},
}};

}  // namespace

const DTypeInfo* dtype_info(DType id) noexcept { return detail::find_by_id(std::span<const DTypeInfo>(k_dtypes), id); }

const DTypeInfo* dtype_from_name(std::string_view name) noexcept {
  return detail::find_by_name(std::span<const DTypeInfo>(k_dtypes), name);
}

namespace {

template <class T>
Result<void> to_words_impl(std::span<std::uint8_t> data, bool is_signed, unsigned w, std::uint64_t* bad_index) {
  const std::size_t n = data.size() / sizeof(T);
  constexpr unsigned t_nbits = sizeof(T) * 8;
  if (w >= t_nbits) {
    return {};
  }
  const std::uint64_t mask = low_mask64(w);
  for (std::size_t i = 0; i < n; ++i) {
    const T raw = load_le<T>(data.data() + i * sizeof(T));
    bool ok;
    if (is_signed) {
      const std::int64_t v = sign_extend(raw, t_nbits);
      ok = v >= -(std::int64_t{1} << (w - 1)) && v < (std::int64_t{1} << (w - 1));
    } else {
      ok = (std::uint64_t{raw} & ~mask) == 0;
    }
    if (!ok) {
      if (bad_index != nullptr) {
        *bad_index = i;
      }
      return tl::unexpected(Error::bad_parameter);
    }
    store_le<T>(data.data() + i * sizeof(T), static_cast<T>(std::uint64_t{raw} & mask));
  }
  return {};
}

template <class T>
void to_elements_impl(std::span<std::uint8_t> data, bool is_signed, unsigned w) {
  constexpr unsigned t_nbits = sizeof(T) * 8;
  if (w >= t_nbits || !is_signed) {
    return;
  }
  const std::size_t n = data.size() / sizeof(T);
  for (std::size_t i = 0; i < n; ++i) {
    const T raw = load_le<T>(data.data() + i * sizeof(T));
    store_le<T>(data.data() + i * sizeof(T), static_cast<T>(static_cast<std::uint64_t>(sign_extend(raw, w))));
  }
}

}  // namespace

Result<void> elements_to_words(std::span<std::uint8_t> data, DType dtype, unsigned word_nbits,
                               std::uint64_t* bad_index) noexcept {
  const DTypeInfo* info = dtype_info(dtype);
  EBPC_CHECK(info != nullptr, bad_parameter);
  EBPC_CHECK(word_nbits >= k_min_word_nbits && word_nbits <= info->nbytes * 8, bad_parameter);
  EBPC_CHECK(!info->is_float || word_nbits == info->nbytes * 8, bad_parameter);
  switch (info->nbytes) {
    case 1:
      return to_words_impl<std::uint8_t>(data, info->is_signed_int, word_nbits, bad_index);
    case 2:
      return to_words_impl<std::uint16_t>(data, info->is_signed_int, word_nbits, bad_index);
    default:
      return to_words_impl<std::uint32_t>(data, info->is_signed_int, word_nbits, bad_index);
  }
}

void words_to_elements(std::span<std::uint8_t> data, DType dtype, unsigned word_nbits) noexcept {
  const DTypeInfo* info = dtype_info(dtype);
  if (info == nullptr) {
    return;
  }
  switch (info->nbytes) {
    case 1:
      to_elements_impl<std::uint8_t>(data, info->is_signed_int, word_nbits);
      break;
    case 2:
      to_elements_impl<std::uint16_t>(data, info->is_signed_int, word_nbits);
      break;
    default:
      to_elements_impl<std::uint32_t>(data, info->is_signed_int, word_nbits);
      break;
  }
}

Outcome<void> check_word_width(DType dtype, unsigned word_nbits) {
  const DTypeInfo* info = dtype_info(dtype);
  if (info == nullptr) {
    return tl::unexpected(failure(Error::bad_parameter, "unknown dtype"));
  }
  const std::string w = "width " + std::to_string(word_nbits);
  const unsigned elem_nbits = info->nbytes * 8;
  if (info->is_float && word_nbits != elem_nbits) {
    return tl::unexpected(Failure{Error::bad_parameter, w + ": " + std::string(info->name) + " data is coded as " +
                                                            std::to_string(elem_nbits) + "-bit patterns"});
  }
  if (word_nbits < k_min_word_nbits || word_nbits > k_max_word_nbits) {
    return tl::unexpected(Failure{Error::bad_parameter, w + " is outside " + std::to_string(k_min_word_nbits) + ".." +
                                                            std::to_string(k_max_word_nbits)});
  }
  if (word_nbits > elem_nbits) {
    return tl::unexpected(Failure{Error::bad_parameter, w + " is wider than " + std::string(info->name)});
  }
  return {};
}

Outcome<void> elements_to_words_or_failure(std::span<std::uint8_t> data, DType dtype, unsigned word_nbits,
                                           std::uint64_t first_index) {
  if (auto c = check_word_width(dtype, word_nbits); !c) {
    return c;
  }
  std::uint64_t bad = 0;
  if (auto r = elements_to_words(data, dtype, word_nbits, &bad); !r) {
    if (r.error() != Error::bad_parameter) {
      return tl::unexpected(failure(r.error()));
    }
    return tl::unexpected(Failure{Error::bad_parameter, "value at flat index " + std::to_string(first_index + bad) +
                                                            " does not fit in " + std::to_string(word_nbits) + " bits"});
  }
  return {};
}

}  // namespace ebpc
