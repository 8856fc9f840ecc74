// The host side of the whole-run MLP kernels (shaders/mlp_run.comp, mlp_run_32.comp,
// mlp_run_coopmat.comp): the kernel for the device, the network packed for it (128 columns per
// input row, zero padded, then the biases; and an fp16 copy for cooperative matrices), each
// evaluation's affine constants and folded first-layer bias in a table, the traced ops and
// Combine terms in two small buffers, and one dispatch per chunk of particles.
#include "core/vulkan/mlp_run.hpp"
#include "core/vulkan/coopmat_spirv.hpp"
#include "core/vulkan/shader_structs.hpp"

#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/nn/mlp.hpp"
#include "core/samplers/step_program.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace dfs::vk {

namespace {

constexpr int kWidth = 128, kMaxLayers = 8; ///< WIDTH and dims[] in the shaders
constexpr std::uint32_t kEvalHeader = 8;    ///< ratio alpha invScale cin scale a b (pad)
constexpr int kSlotsTimesDim = 32;          ///< SLOT_FLOATS / ROWS in the shaders

/// One of the kernels: its module, particles per workgroup, invocations, shared memory, the
/// row padding of its packed weights and its bindings.
struct Kernel {
    const SpirvModule* module;
    std::uint32_t rows, invocations, shared, rowPad;
    int bindings;
    const char* name;
};
const Kernel kFp32{&kSpirv_mlp_run, 64, 128, 4 * (kWidth * 64 + kSlotsTimesDim * 64), 1, 5,
                   "mlp_run"};
const Kernel kFp32Small{&kSpirv_mlp_run_32, 32, 64, 4 * (kWidth * 32 + kSlotsTimesDim * 32), 1, 5,
                        "mlp_run"};
/// a16 (fp16, stride 136), accS (fp32, stride 132), the slots.
const Kernel kCoopmat{
    &kSpirv_mlp_run_coopmat, 32, 128, 2 * 32 * 136 + 4 * 32 * 132 + 4 * kSlotsTimesDim * 32, 16, 6,
    "mlp_run_coopmat"};

/// Each layer as its inputs' rows, padded with zero rows to a multiple of rowPad, of 128
/// floats (row k: W[:, k], the outputs of input k; columns past nOut zero), then a row of biases.
std::vector<float> packParams(const Mlp& net, std::uint32_t rowPad) {
    const MlpShape& s = net.shape();
    const float* p = net.params().data();
    std::vector<float> out;
    for (int l = 0; l < s.layers; ++l) {
        const auto nIn = std::size_t(s.dims[l]), nOut = std::size_t(s.dims[l + 1]);
        const std::size_t rows = (nIn + rowPad - 1) / rowPad * rowPad, at = out.size();
        out.resize(at + (rows + 1) * kWidth, 0.0f);
        for (std::size_t k = 0; k < nIn; ++k) // W column-major (nOut x nIn), then b
            for (std::size_t j = 0; j < nOut; ++j) out[at + k * kWidth + j] = p[k * nOut + j];
        for (std::size_t j = 0; j < nOut; ++j) out[at + rows * kWidth + j] = p[nIn * nOut + j];
        p += nOut * (nIn + 1);
    }
    return out;
}

/// IEEE binary16 of f, rounded to nearest even (overflow to infinity, subnormals kept).
std::uint16_t toHalf(float f) {
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    const std::uint32_t sign = (x >> 16) & 0x8000u, absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u)
        return std::uint16_t(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0));
    if (absx >= 0x477ff000u) return std::uint16_t(sign | 0x7c00u); // rounds past 65504
    if (absx < 0x38800000u) { // a subnormal half (or zero): units of 2^-24
        const float a = std::abs(f) * 16777216.0f;
        return std::uint16_t(sign | std::uint32_t(std::nearbyint(a)));
    }
    const std::uint32_t mant = absx & 0x7fffffu, exp = (absx >> 23) - 112;
    std::uint32_t h = (exp << 10) | (mant >> 13);
    const std::uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h; // carries into the exponent
    return std::uint16_t(sign | h);
}

/// The kernel for the network, the run and the device, or null.
const Kernel* chooseKernel(const VulkanBackend& b, const Mlp& net, const SlotPlan& plan, int dim) {
    const MlpShape& s = net.shape();
    if (s.layers < 1 || s.layers > kMaxLayers || s.dims[s.layers] != dim ||
        plan.slots * dim > kSlotsTimesDim)
        return nullptr;
    for (int l = 1; l < s.layers; ++l)
        if (s.dims[l] > kWidth) return nullptr;
    const VkPhysicalDeviceLimits& lim = b.context().limits();
    const auto fits = [&](const Kernel& k) {
        return lim.maxComputeSharedMemorySize >= k.shared &&
               lim.maxComputeWorkGroupInvocations >= k.invocations;
    };
    if (b.cooperativeMatrix() && fits(kCoopmat)) return &kCoopmat;
    const char* rows = std::getenv("DIFFUSCOPE_VULKAN_MLP_ROWS"); // 32: the small kernel
    if (fits(kFp32) && !(rows && std::string(rows) == "32")) return &kFp32;
    return fits(kFp32Small) ? &kFp32Small : nullptr;
}

/// The KHR form of the cooperative-matrix kernel (made once; core/vulkan/coopmat_spirv.hpp).
const SpirvModule* coopmatKhrModule() {
    static const std::vector<std::uint32_t> words = [] {
        std::vector<std::uint32_t> nv((kSpirv_mlp_run_coopmat.size + 3) / 4);
        std::memcpy(nv.data(), kSpirv_mlp_run_coopmat.bytes, kSpirv_mlp_run_coopmat.size);
        return cooperativeMatrixNvToKhr(nv);
    }();
    static const SpirvModule module{"mlp_run_coopmat_khr",
                                    reinterpret_cast<const unsigned char*>(words.data()),
                                    4 * words.size()};
    return words.empty() ? nullptr : &module;
}

} // namespace

bool runMlpWhole(VulkanBackend& b, const LearnedDenoiser& model,
                 const std::vector<StepProgram>& programs, const SlotPlan& plan, std::uint64_t seed,
                 std::uint32_t firstParticle, Matrix& x) {
    const Mlp* net = model.model().net.mlp();
    const int dim = int(x.cols());
    const Kernel* kernel =
        net && !programs.empty() && x.rows() > 0 ? chooseKernel(b, *net, plan, dim) : nullptr;
    const SpirvModule* module = kernel ? kernel->module : nullptr;
    if (kernel == &kCoopmat && b.context().cooperativeMatrix() == 1) module = coopmatKhrModule();
    if (!module) return false;
    const MlpShape& shape = net->shape();
    const ModelSpec& spec = model.model().spec;

    // The table: the mean, then per evaluation its constants and its folded first-layer bias
    // b' = b + W_features f (as run_denoisers.cpp's MlpRun); the ops and the Combine terms.
    std::vector<float> table(spec.mean.begin(), spec.mean.end());
    std::vector<std::array<std::uint32_t, 4>> ops;
    std::vector<Term> terms;
    const float* w = net->params().data();
    const auto in = std::size_t(spec.inputDim()), nOut = std::size_t(shape.dims[1]);
    double workPerRow = 0;
    std::uint32_t evals = 0;
    for (std::size_t i = 0; i < programs.size(); ++i) {
        const std::vector<int>& slot = plan.slot[i];
        for (std::size_t k = 0; k < programs[i].ops.size(); ++k) {
            const ProgramOp& op = programs[i].ops[k];
            const auto out = std::uint32_t(slot[2 + k]);
            if (op.kind == ProgramOp::Kind::Combine) {
                const auto count = std::uint32_t(op.terms.size() + op.noise.size());
                ops.push_back({1 + 2 * programs[i].step, out, std::uint32_t(terms.size()), count});
                for (const ProgramTerm& t : op.terms)
                    terms.push_back({std::uint32_t(slot[std::size_t(t.var)]), 0, float(t.coef), 0});
                for (const NoiseTerm& z : op.noise)
                    terms.push_back({z.substream, 1, float(z.coef), 0});
                workPerRow += 10.0 * dim * count;
                continue;
            }
            const LearnedDenoiser::Affine f = model.affine(op.level);
            table.insert(table.end(),
                         {float(f.ratio), float(op.level.alpha), float(1.0 / spec.scale),
                          float(f.cin), float(spec.scale), float(f.a), float(f.b), 0.0f});
            const std::size_t at = table.size();
            table.resize(at + kWidth, 0.0f);
            for (std::size_t j = 0; j < nOut; ++j) {
                double bias = w[nOut * in + j];
                for (std::size_t c = std::size_t(dim); c < in; ++c)
                    bias += double(w[c * nOut + j]) * f.features[c - std::size_t(dim)];
                table[at + j] = float(bias);
            }
            ops.push_back({0, std::uint32_t(slot[std::size_t(op.input)]), out, evals++});
            workPerRow += double(net->paramCount());
        }
    }
    terms.push_back({}); // never empty

    b.context().throwIfLost();
    b.discardUploads();
    const std::vector<float> packed = packParams(*net, kernel->rowPad);
    Buffer& params = b.scratch(b.m_params, sizeof(float) * packed.size());
    std::vector<const Buffer*> bindings = {nullptr, &params, nullptr, nullptr, nullptr};
    Buffer& tableBuf = b.scratch(b.m_components, sizeof(float) * table.size());
    Buffer& opBuf = b.scratch(b.m_ops, sizeof(ops[0]) * ops.size());
    Buffer& termBuf = b.scratch(b.m_terms, sizeof(Term) * terms.size());
    b.put(params, 0, packed.data(), sizeof(float) * packed.size());
    b.put(tableBuf, 0, table.data(), sizeof(float) * table.size());
    b.put(opBuf, 0, ops.data(), sizeof(ops[0]) * ops.size());
    b.put(termBuf, 0, terms.data(), sizeof(Term) * terms.size());
    bindings[2] = &tableBuf, bindings[3] = &opBuf, bindings[4] = &termBuf;
    if (kernel == &kCoopmat) { // the weights in fp16 too, in the same layout
        std::vector<std::uint16_t> half(packed.size());
        for (std::size_t i = 0; i < packed.size(); ++i) half[i] = toHalf(packed[i]);
        Buffer& params16 = b.scratch(b.m_params16, 2 * half.size());
        b.put(params16, 0, half.data(), 2 * half.size());
        bindings.push_back(&params16);
    }

    MlpRunPush push{0,
                    std::uint32_t(dim),
                    std::uint32_t(ops.size()),
                    std::uint32_t(plan.slot.back()[std::size_t(programs.back().xOut)]),
                    std::uint32_t(shape.layers),
                    std::uint32_t(shape.activation),
                    std::uint32_t(seed),
                    std::uint32_t(seed >> 32),
                    0,
                    kEvalHeader + kWidth,
                    {}};
    for (int k = 0; k <= shape.layers; ++k) push.dims[k] = std::uint32_t(shape.dims[k]);
    Pipeline* pipeline = nullptr;
    try {
        pipeline = &b.pipeline(*module, kernel->bindings, sizeof(MlpRunPush));
    } catch (const DeviceError& e) {
        if (kernel != &kCoopmat) throw;
        // A driver that refuses the cooperative-matrix module: the fp32 kernel from now on,
        // and lastKernel() says why.
        b.m_coopmatError = e.what();
        b.discardUploads();
        return runMlpWhole(b, model, programs, plan, seed, firstParticle, x);
    }
    Pipeline& p = *pipeline;
    const Index rowsPerGroup = kernel->rows;

    // Chunks of particles within a submission's budget and the 65,535-workgroup limit.
    const Index chunk = b.chunkRows(workPerRow, 4.0 * dim, Index(65535) * rowsPerGroup);
    Matrix result(x.rows(), x.cols());
    for (Index first = 0; first < x.rows(); first += chunk) {
        const auto n = std::uint32_t(std::min(chunk, x.rows() - first));
        Buffer& xBuf = b.scratch(b.m_slots, sizeof(float) * n * std::size_t(dim));
        b.upload(x.middleRows(first, n), xBuf);
        bindings[0] = &xBuf;
        const VkDescriptorSet set = p.allocateSets({bindings})[0];
        push.n = n;
        push.firstParticle = firstParticle + std::uint32_t(first);
        b.context().submit([&](VkCommandBuffer cmd) {
            b.recordUploads(cmd);
            p.record(cmd, set, &push, std::uint32_t((n + rowsPerGroup - 1) / rowsPerGroup));
            b.recordDownload(cmd, xBuf, 0, sizeof(float) * n * std::size_t(dim));
        });
        Matrix part;
        b.downloadedRows(part, n, dim);
        result.middleRows(first, n) = part;
    }
    x = std::move(result);
    b.m_lastKernel = kernel->name;
    if (!b.m_coopmatError.empty())
        b.m_lastKernel += " (cooperative matrices refused: " + b.m_coopmatError + ")";
    return true;
}

} // namespace dfs::vk
