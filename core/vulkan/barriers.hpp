// The pipeline barriers between dispatches, copies and the host.
#pragma once

#include <vulkan/vulkan.h>

namespace dfs::vk {

/// The next dispatch reads what the previous one wrote.
void barrierBetweenDispatches(VkCommandBuffer cmd);
/// The host reads what the dispatches and copies wrote once the submission's fence signals.
void barrierToHost(VkCommandBuffer cmd);
/// Dispatches read what the copies before them wrote.
void barrierAfterCopies(VkCommandBuffer cmd);
/// Copies read what the dispatches before them wrote, and write only after they are done.
void barrierBeforeCopies(VkCommandBuffer cmd);

} // namespace dfs::vk
