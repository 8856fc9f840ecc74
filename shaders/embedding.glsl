// The noise level's sinusoidal features in GLSL (core/model/model.hpp, timeEmbeddings): sin and
// cos of the angle (hi + lo) (fHi + fLo), the base angle kEmbeddingScale c_noise and the
// frequency each given as a float pair whose head has 12 significant bits
// (core/backend/train_device.hpp, splitHead12). The heads' product is then exact in float, and
// so is its reduction by a 2 pi of 12 bits: the reduced angle is good to about 1e-7 and sin
// and cos see it within [-pi, pi]. The angles reach 10^3, where one float would lose about
// 1e-4 of the sine (and GPUs' sin is accurate only within [-pi, pi]). No fma: some drivers
// (lavapipe) split it into a product and a sum.
#ifndef DIFFUSCOPE_EMBEDDING_GLSL
#define DIFFUSCOPE_EMBEDDING_GLSL

// 2 pi as three floats; the first has 12 significant bits, so m kTwoPiA is exact for the
// quotients m < 2^12 of the angles here.
const float kTwoPiA = 6.283203125;
const float kTwoPiB = -1.781781975e-05;
const float kTwoPiC = -6.608047443e-13;

vec2 sinCosOfAngle(float hi, float lo, float fHi, float fLo) {
    precise float p = hi * fHi;                   // exact: 12 x 12 bits
    precise float e = (hi * fLo + lo * fHi) + lo * fLo; // the rest, each term to 2^-24
    precise float m = round(p * 0.159154937);     // at most a few hundred: 9 bits
    precise float r = p - m * kTwoPiA;            // exact: m kTwoPiA has 21 bits, then Sterbenz
    r = ((r - m * kTwoPiB) - m * kTwoPiC) + e;
    return vec2(sin(r), cos(r));
}

#endif
