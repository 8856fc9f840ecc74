// The step functions of the built-in samplers, one file each.
#pragma once

#include "core/samplers/sampler.hpp"

namespace dfs {

void ddpmStep(const StepContext& ctx, SamplerState& st);
void ddimStep(const StepContext& ctx, SamplerState& st);
void eulerStep(const StepContext& ctx, SamplerState& st);
void heunStep(const StepContext& ctx, SamplerState& st);
void eulerMaruyamaStep(const StepContext& ctx, SamplerState& st);
void edmSdeStep(const StepContext& ctx, SamplerState& st);
void dpmpp2mStep(const StepContext& ctx, SamplerState& st);
void predictorCorrectorStep(const StepContext& ctx, SamplerState& st);
void annealedLangevinStep(const StepContext& ctx, SamplerState& st);

} // namespace dfs
