// Look-ups in the library's tables of plain structs (codecs, decoders, dtypes): the entry
// whose id or name is the one asked for, or nullptr.
#pragma once

#include <span>
#include <string_view>

namespace ebpc::detail {

template <class Entry, class Id>
const Entry* find_by_id(std::span<const Entry> table, Id id) noexcept {
  for (const Entry& e : table) {
    if (e.id == id) {
      return &e;
    }
  }
  return nullptr;
}

template <class Entry>
const Entry* find_by_name(std::span<const Entry> table, std::string_view name) noexcept {
  for (const Entry& e : table) {
    if (e.name == name) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace ebpc::detail
