/** Export and import of designs: ONNX (out and in) and a PyTorch training project (out). See docs/export.md. */
export { designFromJson, designToOnnx, designToTorch, ExportError, type Design } from './design';
export { exportOnnx, ONNX_OPSET, type OnnxExportOptions } from './onnxExport';
export { importOnnx, OnnxImportError, SUPPORTED_OPS, type ImportProblem, type OnnxImportOptions } from './onnxImport';
export { exportTorch, type TorchExportInput } from './torchExport';
export { TORCH_WEIGHTS_FORMAT, type TorchWeightsManifest } from './torchWeights';
