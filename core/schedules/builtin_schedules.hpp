// All built-in schedules, for the registry.
#pragma once

#include "core/schedules/cosine.hpp"
#include "core/schedules/edm.hpp"
#include "core/schedules/rectified_flow.hpp"
#include "core/schedules/ve.hpp"
#include "core/schedules/vp_linear.hpp"
