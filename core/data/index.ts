/** The data module: import, preprocessing, split, epoch order, augmentation. See docs/data.md. */
export * from './augment.js';
export * from './csv.js';
export * from './dataset.js';
export * from './errors.js';
export * from './fashion-mnist.js';
export * from './idx.js';
export * from './idx-write.js';
export * from './image-folder.js';
export * from './layout.js';
export * from './preprocessing.js';
export * from './resize.js';
export * from './sources.js';
export * from './split.js';
