// One view's content at a frame (trajectories, density) or a time (chain, field): the unit the
// GUI's worker sends to the UI thread and the exporter renders. A type-erased immutable value:
// the name of the view that built it and its data (any type; view_data.hpp holds today's), so a
// new view's data type needs no central list.
#pragma once

#include "core/scene/scene.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <typeindex>
#include <typeinfo>

namespace dfs {

class ViewSnapshot {
public:
    /// An empty snapshot (no view).
    ViewSnapshot() = default;
    /// The data `data` built by the view named `view`.
    template <typename T>
    ViewSnapshot(std::string view, T data)
        : m_view(std::move(view)), m_data(std::make_shared<const T>(std::move(data))),
          m_type(&typeid(T)) {}

    bool empty() const { return !m_data; }
    /// The registered view that built it ("" when empty).
    const std::string& view() const { return m_view; }
    /// The type of the data (void when empty).
    std::type_index type() const { return m_type ? std::type_index(*m_type) : typeid(void); }
    template <typename T> bool holds() const { return m_type && *m_type == typeid(T); }
    /// The data as T, or null when it is another type.
    template <typename T> const T* get() const {
        return holds<T>() ? static_cast<const T*>(m_data.get()) : nullptr;
    }
    /// The data as T; std::logic_error naming the view when it is another type.
    template <typename T> const T& as() const {
        if (const T* p = get<T>()) return *p;
        throw std::logic_error("the " + (m_view.empty() ? std::string("empty") : m_view) +
                               " view's snapshot does not hold the data type asked for");
    }

private:
    std::string m_view;
    std::shared_ptr<const void> m_data;
    const std::type_info* m_type = nullptr;
};

/// The settings in one line for captions: "gmm8, vp-linear, heun 50 steps, exact".
std::string sceneCaption(const Scene& scene);

} // namespace dfs
