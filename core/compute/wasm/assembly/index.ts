// The wasm-simd backend's kernels; every export takes byte offsets into the one shared memory.
export { gemmBlock, gemmShared, microKernelPeak } from './gemm';
export { gather, gatherLanes, scatterAdd, scatterAddByInverse, scatterAddByInverseLanes, maxPool, maxPoolLanes, maxPoolBackward, gatherArgmax, avgPool, avgPoolBackward } from './maps';
export { fill, copy, axpby, dot, addBias, rowSum, activate, activationGrad } from './elementwise';
