// Reads struct layouts from SPIR-V words (the SPIR-V specification: 2.3 "Physical Layout of a
// SPIR-V Module and Instruction", and the opcodes of its section 3, "Binary Form"): names, member
// decorations and the types they refer to.
#include "spirv_layout.hpp"

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>

namespace dfs::vk {

namespace {

// The opcodes, decorations and storage class read here (SPIR-V specification, section 3).
constexpr std::uint32_t kOpName = 5, kOpMemberName = 6, kOpTypeInt = 21, kOpTypeFloat = 22,
                        kOpTypeVector = 23, kOpTypeArray = 28, kOpTypeRuntimeArray = 29,
                        kOpTypeStruct = 30, kOpTypePointer = 32, kOpConstant = 43, kOpVariable = 59,
                        kOpDecorate = 71, kOpMemberDecorate = 72;
constexpr std::uint32_t kArrayStride = 6, kOffset = 35, kPushConstant = 9;
constexpr std::uint32_t kMagic = 0x07230203;

struct Type {
    std::uint32_t op = 0;
    std::vector<std::uint32_t> operands; ///< the words after the result id
};

/// The parts of a module the layouts need.
struct Module {
    std::map<std::uint32_t, Type> types;
    std::map<std::uint32_t, std::uint32_t> constants, strides;
    std::map<std::uint32_t, std::string> names;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> memberNames;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> offsets;
    std::uint32_t pushBlock = 0; ///< the struct type of the push-constant variable
};

std::string literalString(const std::uint32_t* words, std::size_t count) {
    const auto* chars = reinterpret_cast<const char*>(words);
    return std::string(chars, strnlen(chars, 4 * count));
}

Module parse(const SpirvModule& m) {
    if (m.size % 4 != 0 || m.size < 20) throw std::runtime_error("not a SPIR-V module");
    std::vector<std::uint32_t> w(m.size / 4);
    std::memcpy(w.data(), m.bytes, m.size);
    if (w[0] != kMagic) throw std::runtime_error("not a SPIR-V module (magic number)");
    Module out;
    std::map<std::uint32_t, std::uint32_t> pointee; // pointer type -> pointed-to type
    for (std::size_t at = 5; at < w.size();) {
        const std::uint32_t op = w[at] & 0xffff, count = w[at] >> 16;
        if (count == 0 || at + count > w.size())
            throw std::runtime_error("truncated SPIR-V instruction");
        const std::uint32_t* o = &w[at + 1]; // operands
        switch (op) {
        case kOpName:
            out.names[o[0]] = literalString(o + 1, count - 2);
            break;
        case kOpMemberName:
            out.memberNames[{o[0], o[1]}] = literalString(o + 2, count - 3);
            break;
        case kOpDecorate:
            if (o[1] == kArrayStride) out.strides[o[0]] = o[2];
            break;
        case kOpMemberDecorate:
            if (o[2] == kOffset) out.offsets[{o[0], o[1]}] = o[3];
            break;
        case kOpTypeInt:
        case kOpTypeFloat:
        case kOpTypeVector:
        case kOpTypeArray:
        case kOpTypeRuntimeArray:
        case kOpTypeStruct:
            out.types[o[0]] = {op, std::vector<std::uint32_t>(o + 1, o + count - 1)};
            break;
        case kOpTypePointer:
            pointee[o[0]] = o[2];
            break;
        case kOpConstant:
            out.constants[o[1]] = o[2];
            break;
        case kOpVariable:
            if (o[2] == kPushConstant) out.pushBlock = pointee.at(o[0]);
            break;
        default:
            break;
        }
        at += count;
    }
    return out;
}

/// A member's scalar kind and count, or Other where it is none of the supported shapes.
MemberLayout memberType(const Module& m, std::uint32_t typeId) {
    MemberLayout out;
    const auto found = m.types.find(typeId);
    if (found == m.types.end()) return out; // a matrix, a pointer, ...
    const Type& t = found->second;
    if (t.op == kOpTypeInt && t.operands[0] == 32)
        out.kind = t.operands[1] ? Scalar::I32 : Scalar::U32;
    else if (t.op == kOpTypeFloat && t.operands[0] == 32)
        out.kind = Scalar::F32;
    else if (t.op == kOpTypeVector || t.op == kOpTypeArray) {
        const MemberLayout element = memberType(m, t.operands[0]);
        const bool scalar = element.count == 1 && element.kind != Scalar::Other;
        const auto stride = m.strides.find(typeId);
        if (scalar &&
            (t.op == kOpTypeVector || (stride != m.strides.end() && stride->second == 4))) {
            out.kind = element.kind;
            out.count = t.op == kOpTypeVector ? t.operands[1] : m.constants.at(t.operands[1]);
        }
    }
    return out;
}

StructLayout layoutOf(const Module& m, std::uint32_t structId) {
    const Type& t = m.types.at(structId);
    StructLayout out;
    for (std::uint32_t i = 0; i < std::uint32_t(t.operands.size()); ++i) {
        MemberLayout member = memberType(m, t.operands[i]);
        member.offset = m.offsets.at({structId, i});
        if (const auto name = m.memberNames.find({structId, i}); name != m.memberNames.end())
            member.name = name->second;
        out.members.push_back(member);
        out.size = std::max(out.size, member.offset + 4 * member.count);
    }
    for (const auto& [id, type] : m.types)
        if ((type.op == kOpTypeArray || type.op == kOpTypeRuntimeArray) &&
            type.operands[0] == structId && m.strides.count(id))
            out.arrayStride = m.strides.at(id);
    return out;
}

} // namespace

std::optional<StructLayout> pushConstantLayout(const SpirvModule& module) {
    const Module m = parse(module);
    if (m.pushBlock == 0) return std::nullopt;
    return layoutOf(m, m.pushBlock);
}

std::optional<StructLayout> structLayout(const SpirvModule& module, std::string_view name) {
    const Module m = parse(module);
    // The struct with offsets: a shader's local copies of it have a type of their own without.
    for (const auto& [id, type] : m.types)
        if (type.op == kOpTypeStruct && m.names.count(id) && m.names.at(id) == name &&
            m.offsets.count({id, 0}))
            return layoutOf(m, id);
    return std::nullopt;
}

std::string describe(const StructLayout& layout) {
    std::string out;
    for (const MemberLayout& member : layout.members) {
        const char* kind = member.kind == Scalar::U32   ? "u32"
                           : member.kind == Scalar::I32 ? "i32"
                           : member.kind == Scalar::F32 ? "f32"
                                                        : "unsupported type";
        out +=
            fmt::format("{}: {}{} @{}, ", member.name, kind,
                        member.count > 1 ? fmt::format("[{}]", member.count) : "", member.offset);
    }
    return out + fmt::format("(size {})", layout.size);
}

} // namespace dfs::vk
