// electron-builder afterPack hook (electron-builder.yml): sets the packaged Electron binary's fuses,
// switches compiled into it that no command-line flag or environment variable can turn back.
const { join } = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/** electron-builder's Arch enum: ia32 0, x64 1, armv7l 2, arm64 3, universal 4. */
const ARCH_ARM64 = 3;

/** The fuses of the packaged app; docs/app.md says why each is set so. */
const FUSES = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would make the signed binary a plain Node that runs any script.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and local storage encrypted at rest with the OS key store.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS and --inspect would let anyone who can start the app inject code into main.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Only resources/app.asar, never a loose resources/app folder someone put beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // The renderer comes from app://; file: pages need no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The Electron binary electron-builder wrote into appOutDir. */
function electronBinary(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  // Arm64 macOS binaries carry an ad-hoc signature that flipping bytes invalidates; electron-builder signs after this hook.
  await flipFuses(electronBinary(context), { ...FUSES, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARCH_ARM64 });
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
