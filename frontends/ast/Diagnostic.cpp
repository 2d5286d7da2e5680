//===- Diagnostic.cpp - Diagnostics and name suggestions ------------------===//

#include "snn/AST/Diagnostic.h"

#include <algorithm>
#include <cctype>

namespace snn::ast {

bool hasErrors(const std::vector<Diagnostic> &diags) {
  return std::any_of(diags.begin(), diags.end(), [](const Diagnostic &d) {
    return d.severity == Severity::Error;
  });
}

namespace {

/// Optimal string alignment distance (Levenshtein plus adjacent swaps),
/// case-insensitive: "tua_m" is one edit from "tau_m".
size_t editDistance(const std::string &a, const std::string &b) {
  auto low = [](char c) { return char(std::tolower((unsigned char)c)); };
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= m; ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) &&
          low(a[i - 2]) == low(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

} // namespace

std::string closestName(const std::string &name,
                        const std::vector<std::string> &candidates) {
  // Very long inputs are not typos of a name; skip the quadratic work.
  if (name.empty() || name.size() > 64)
    return "";
  std::string best;
  size_t bestDistance = ~size_t(0);
  for (const std::string &c : candidates) {
    if (c == name || c.size() > 64)
      continue;
    size_t dist = editDistance(name, c);
    if (dist < bestDistance) {
      bestDistance = dist;
      best = c;
    }
  }
  // Accept about one edit per three characters (at least one).
  size_t limit = std::max<size_t>(1, (name.size() + 2) / 3);
  // Replacing every character is no typo ('q' is not a misspelt 'v').
  if (bestDistance >= std::max(name.size(), best.size()))
    return "";
  return bestDistance <= limit ? best : "";
}

std::string didYouMean(const std::string &name,
                       const std::vector<std::string> &candidates) {
  std::string best = closestName(name, candidates);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

} // namespace snn::ast
