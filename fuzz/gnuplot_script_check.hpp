// An independent check of a generated gnuplot script (fuzz_eval_inputs and the eval
// security tests): written from gnuplot's grammar, not from the generator, so that a
// generator bug is caught rather than copied.
//
// A script passes when
// - every line starts with one of the commands the study uses (set, unset, reset, plot,
//   replot) and nothing else: no "system", "!", "load", "call", "shell", "print", "eval";
// - every string is a double-quoted literal holding only letters, digits, space,
//   "_-.,:()/+=#" and three-digit octal escapes "\ooo": no quote, backquote (command
//   substitution), '@' (macro), '$', ';', newline or other backslash escape inside;
// - outside literals there are only letters, digits, space and "_.,:[]*-()+/": no single
//   quote, backquote, '@', '!', ';', '#' (a comment could hide text), '$' or '\'.
#pragma once

#include <string>
#include <string_view>

namespace ebpc_fuzz {

inline bool gp_check_alnum(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

// Empty when the script passes, else what is wrong and where (line number).
inline std::string gnuplot_script_problem(std::string_view script) {
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < script.size()) {
    ++line_no;
    std::size_t end = script.find('\n', pos);
    if (end == std::string_view::npos) {
      end = script.size();
    }
    const std::string_view line = script.substr(pos, end - pos);
    pos = end + 1;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (line.empty()) {
      continue;
    }
    const std::size_t word_end = line.find(' ');
    const std::string_view first = line.substr(0, word_end);
    if (first != "set" && first != "unset" && first != "reset" && first != "plot" && first != "replot") {
      return where + "command '" + std::string(first) + "' is not one the study uses";
    }
    bool in_string = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char ch = line[i];
      if (in_string) {
        if (ch == '"') {
          in_string = false;
        } else if (ch == '\\') {
          if (i + 3 >= line.size() || line[i + 1] < '0' || line[i + 1] > '3' || line[i + 2] < '0' ||
              line[i + 2] > '7' || line[i + 3] < '0' || line[i + 3] > '7') {
            return where + "a backslash in a literal that is not an octal escape";
          }
          i += 3;
        } else if (!gp_check_alnum(ch) && std::string_view(" _-.,:()/+=#").find(ch) == std::string_view::npos) {
          return where + "byte " + std::to_string(static_cast<unsigned char>(ch)) + " raw inside a literal";
        }
      } else if (ch == '"') {
        in_string = true;
      } else if (!gp_check_alnum(ch) && std::string_view(" _.,:[]*-()+/").find(ch) == std::string_view::npos) {
        return where + "byte " + std::to_string(static_cast<unsigned char>(ch)) + " outside a literal";
      }
    }
    if (in_string) {
      return where + "a literal that does not end on its line";
    }
  }
  return {};
}

}  // namespace ebpc_fuzz
