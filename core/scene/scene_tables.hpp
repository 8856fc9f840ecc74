// A scene's data as tables for export (CSV or JSON through core/io/table_io.hpp): the samples of
// a frame, the recorded trajectories, a field on the view's grid, the chain at time t, and the
// schedule's curves. Samples, trajectories, fields and schedules are the core's doubles; the
// chain and the spectrum come from their views (float points, double spectra).
#pragma once

#include "core/io/table_io.hpp"
#include "core/scene/scene.hpp"

namespace dfs {

class SceneEngine;
class Schedule;

/// x,y (or p0..p{D-1} for images) of every particle at a recorded frame.
Table samplesTable(const SceneEngine& engine, int frame);
/// step,t,particle,x,y for frames 0..lastFrame (all recorded).
Table trajectoryTable(const SceneEngine& engine, int lastFrame);
/// x,y,fx,fy: the view's field quantity (D(x) - x for x0) at the field view's arrow positions.
Table fieldTable(const SceneEngine& engine, double t);
/// x,y: the data pushed forward to time t as the chain view shows it.
Table chainTable(const SceneEngine& engine, double t);
/// frequency,data,x_t_over_alpha,noise: the spectrum view's curves at t (images; t < 1 where
/// alpha > 0).
Table spectrumTable(const SceneEngine& engine, double t);
/// t,alpha,sigma,logSNR at t = k/n for k = 1..n; times where logSNR is infinite (t = 0, and
/// t = 1 where alpha(1) = 0, as on rf) are left out.
Table scheduleTable(const Schedule& schedule, int n = 200);
} // namespace dfs
