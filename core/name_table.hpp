// Command-line names of enumerations, from one table per enum: parsing (with the one-line
// error that lists the choices) and printing stay in step with each other.
#pragma once

#include "core/errors.hpp"

#include <array>
#include <string>
#include <utility>

namespace dfs {

template <typename E, std::size_t N> using NameTable = std::array<std::pair<E, const char*>, N>;

/// The value named `name`; throws UsageError "unknown <what> '<name>' (choose from a, b, ...)".
template <typename E, std::size_t N>
E parseName(const NameTable<E, N>& table, const std::string& name, const char* what) {
    std::string choices;
    for (const auto& [value, n] : table) {
        if (name == n) return value;
        choices += (choices.empty() ? "" : ", ") + std::string(n);
    }
    throw UsageError("unknown " + std::string(what) + " '" + name + "' (choose from " + choices +
                     ")");
}

/// The name of a value ("?" for one missing from the table).
template <typename E, std::size_t N> std::string nameOf(const NameTable<E, N>& table, E value) {
    for (const auto& [v, n] : table)
        if (v == value) return n;
    return "?";
}

} // namespace dfs
