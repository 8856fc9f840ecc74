// The NV to KHR cooperative-matrix rewrite (SPIR-V specification 2.3 for the binary form; the
// opcodes from SPV_NV_cooperative_matrix and SPV_KHR_cooperative_matrix).
#include "core/vulkan/coopmat_spirv.hpp"

#include <cstring>
#include <map>
#include <string>

namespace dfs::vk {

namespace {

enum : std::uint32_t {
    OpExtension = 10,
    OpCapability = 17,
    OpConstantTrue = 41,
    OpConstantFalse = 42,
    OpConstant = 43,
    OpTypeCoopNv = 5358,
    OpLoadNv = 5359,
    OpStoreNv = 5360,
    OpMulAddNv = 5361,
    OpLengthNv = 5362,
    OpTypeCoopKhr = 4456,
    OpLoadKhr = 4457,
    OpStoreKhr = 4458,
    OpMulAddKhr = 4459,
    OpLengthKhr = 4460,
    CapCoopNv = 5357,
    CapCoopKhr = 6022,
};
// Uses and layouts: MatrixAKHR 0, MatrixBKHR 1, MatrixAccumulatorKHR 2; RowMajorKHR 0,
// ColumnMajorKHR 1.
constexpr std::uint32_t kUseA = 0, kUseB = 1, kUseAcc = 2;

std::vector<std::uint32_t> stringWords(const char* s) {
    std::vector<std::uint32_t> w((std::strlen(s) + 4) / 4, 0);
    std::memcpy(w.data(), s, std::strlen(s));
    return w;
}

/// Opcodes whose words 1 and 2 are a result type and a result: the ones that can define a
/// matrix operand in the modules this handles.
bool definesTypedValue(std::uint32_t op) {
    switch (op) {
    case 1:   // OpUndef
    case 44:  // OpConstantComposite
    case 46:  // OpConstantNull
    case 80:  // OpCompositeConstruct
    case 61:  // OpLoad
    case 81:  // OpCompositeExtract
    case 82:  // OpCompositeInsert
    case 83:  // OpCopyObject
    case 115: // OpFConvert
    case 127: // OpFNegate
    case 129: // OpFAdd
    case 131: // OpFSub
    case 133: // OpFMul
    case 136: // OpFDiv
    case 143: // OpMatrixTimesScalar
    case 169: // OpSelect
    case 245: // OpPhi
    case OpLoadNv:
    case OpMulAddNv:
        return true;
    default:
        return false;
    }
}

} // namespace

std::vector<std::uint32_t> cooperativeMatrixNvToKhr(const std::vector<std::uint32_t>& nv) {
    if (nv.size() < 5 || nv[0] != 0x07230203u) return {};
    // Pass 1: the matrix types, every typed value's type, the constants, each type's use.
    std::map<std::uint32_t, std::uint32_t> typeOf, boolConst, constType, use;
    std::vector<std::pair<std::size_t, std::uint32_t>> mulAdds; // (at, word count)
    std::uint32_t firstType = 0;
    for (std::size_t at = 5; at < nv.size();) {
        const std::uint32_t wc = nv[at] >> 16, op = nv[at] & 0xffffu;
        if (wc == 0 || at + wc > nv.size()) return {};
        if (op == OpTypeCoopNv && !firstType) firstType = nv[at + 1];
        if (op == OpTypeCoopNv) use[nv[at + 1]] = ~0u;
        if (op == OpConstantTrue || op == OpConstantFalse) boolConst[nv[at + 2]] = op;
        if (op == OpConstant) constType[nv[at + 2]] = nv[at + 1];
        if (definesTypedValue(op) && wc >= 3) typeOf[nv[at + 2]] = nv[at + 1];
        if (op == OpMulAddNv) mulAdds.push_back({at, wc});
        at += wc;
    }
    if (use.empty()) return nv;
    const auto assign = [&](std::uint32_t value, std::uint32_t role, bool isType) {
        std::uint32_t type = value;
        if (!isType) {
            const auto t = typeOf.find(value);
            if (t == typeOf.end()) return false;
            type = t->second;
        }
        const auto u = use.find(type);
        if (u == use.end() || (u->second != ~0u && u->second != role)) return false;
        u->second = role;
        return true;
    };
    for (const auto& [at, wc] : mulAdds)
        if (wc != 6 || !assign(nv[at + 1], kUseAcc, true) || !assign(nv[at + 3], kUseA, false) ||
            !assign(nv[at + 4], kUseB, false) || !assign(nv[at + 5], kUseAcc, false))
            return {};
    for (const auto& [type, u] : use)
        if (u == ~0u) return {}; // a matrix type no product uses: its role is unknown

    // Pass 2: rewrite, with three new constants 0, 1, 2 (of the scopes' integer type) declared
    // before the first matrix type.
    std::uint32_t bound = nv[3];
    const std::uint32_t c[3] = {bound, bound + 1, bound + 2};
    bound += 3;
    std::vector<std::uint32_t> out(nv.begin(), nv.begin() + 5);
    out[3] = bound;
    const auto layout = [&](std::uint32_t colMajor, std::uint32_t& id) {
        const auto b = boolConst.find(colMajor);
        if (b == boolConst.end()) return false;
        id = b->second == OpConstantTrue ? c[1] : c[0];
        return true;
    };
    for (std::size_t at = 5; at < nv.size();) {
        const std::uint32_t wc = nv[at] >> 16, op = nv[at] & 0xffffu;
        const std::uint32_t* w = &nv[at];
        std::uint32_t id = 0;
        if (op == OpCapability && w[1] == CapCoopNv) {
            out.insert(out.end(), {(2u << 16) | OpCapability, CapCoopKhr});
        } else if (op == OpExtension && std::string(reinterpret_cast<const char*>(w + 1)) ==
                                            "SPV_NV_cooperative_matrix") {
            const std::vector<std::uint32_t> s = stringWords("SPV_KHR_cooperative_matrix");
            out.push_back(std::uint32_t(1 + s.size()) << 16 | OpExtension);
            out.insert(out.end(), s.begin(), s.end());
        } else if (op == OpTypeCoopNv) { // result, component, scope, rows, columns (+ use)
            if (w[1] == firstType) {
                const auto t = constType.find(w[3]);
                if (t == constType.end()) return {};
                for (std::uint32_t k = 0; k < 3; ++k)
                    out.insert(out.end(), {(4u << 16) | OpConstant, t->second, c[k], k});
            }
            out.insert(out.end(),
                       {(7u << 16) | OpTypeCoopKhr, w[1], w[2], w[3], w[4], w[5], c[use[w[1]]]});
        } else if (op == OpLoadNv) { // type, result, pointer, stride, column major, [access]
            if (wc < 6 || !layout(w[5], id)) return {};
            out.insert(out.end(), {wc << 16 | OpLoadKhr, w[1], w[2], w[3], id, w[4]});
            out.insert(out.end(), w + 6, w + wc);
        } else if (op == OpStoreNv) { // pointer, object, stride, column major, [access]
            if (wc < 5 || !layout(w[4], id)) return {};
            out.insert(out.end(), {wc << 16 | OpStoreKhr, w[1], w[2], id, w[3]});
            out.insert(out.end(), w + 5, w + wc);
        } else if (op == OpMulAddNv || op == OpLengthNv) {
            out.push_back(wc << 16 | (op == OpMulAddNv ? OpMulAddKhr : OpLengthKhr));
            out.insert(out.end(), w + 1, w + wc);
        } else {
            out.insert(out.end(), w, w + wc);
        }
        at += wc;
    }
    return out;
}

} // namespace dfs::vk
