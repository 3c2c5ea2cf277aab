// How untrusted text (network, image and layer names from a manifest or a shard file, a
// dataset directory) enters the study's outputs (internal to src/eval): as data that
// cannot execute or break a record. docs/results.md, "What a dataset may contain".
// - gnuplot: gp_string() is the only way any text enters plots.gp: a double-quoted literal
//   whose bytes are letters, digits, space and "_-.,:()/+=#", every other byte an octal
//   escape "\ooo". So no quote, backquote (command substitution), '@' (macros), '!' (shell
//   escape), ';' (a second command) or newline ever appears raw inside or outside it.
// - CSV (RFC 4180): a field with a comma, a double quote, CR, LF or an edge space is
//   quoted, with inner quotes doubled; others as they are (the committed results.csv of the
//   shipped datasets is unchanged by quoting).
// - Markdown (CommonMark): ASCII punctuation that could start markup or end a table cell
//   gets a backslash; '_' only where it could emphasise (not between two letters/digits).
#pragma once

#include <string>
#include <string_view>

namespace ebpc::eval::detail {

inline bool gp_safe_byte(unsigned char b) {
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == ' ' || b == '_' ||
         b == '-' || b == '.' || b == ',' || b == ':' || b == '(' || b == ')' || b == '/' || b == '+' || b == '=' ||
         b == '#';
}

// A gnuplot string literal whose value is exactly s (gnuplot 5 expands "\ooo" in double
// quotes; nothing else in the literal is special).
inline std::string gp_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (gp_safe_byte(b)) {
      out += ch;
    } else {
      out += '\\';
      out += static_cast<char>('0' + ((b >> 6) & 7));
      out += static_cast<char>('0' + ((b >> 3) & 7));
      out += static_cast<char>('0' + (b & 7));
    }
  }
  return out + "\"";
}

inline std::string csv_field(std::string_view s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    return std::string(s);
  }
  std::string out = "\"";
  for (const char ch : s) {
    out += ch;
    if (ch == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

inline bool md_alnum(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

// Text for a Markdown table cell, heading or list item: removing the backslash before each
// escaped character gives s back.
inline std::string md_text(std::string_view s) {
  // A leading "-", "+" or "12." / "12)" would start a list in a list item.
  std::size_t lead = 0;
  while (lead < s.size() && s[lead] >= '0' && s[lead] <= '9') {
    ++lead;
  }
  const std::size_t list_mark =
      !s.empty() && (s[0] == '-' || s[0] == '+') ? 0
      : lead > 0 && lead < s.size() && (s[lead] == '.' || s[lead] == ')') ? lead
                                                                          : std::string_view::npos;
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    bool escape = i == list_mark || std::string_view("\\`*[]<>#|~!&$^{}").find(ch) != std::string_view::npos;
    if (ch == '_') {
      escape = i == 0 || i + 1 == s.size() || !md_alnum(s[i - 1]) || !md_alnum(s[i + 1]);
    }
    if (escape) {
      out += '\\';
    }
    out += ch;
  }
  return out;
}

}  // namespace ebpc::eval::detail
