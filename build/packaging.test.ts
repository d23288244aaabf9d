import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEME } from '../electron/main/shell/main';

const config = JSON.parse(readFileSync('build/electron-builder.json', 'utf8'));

describe('packaging config', () => {
  it('builds dmg, nsis, AppImage and deb from the bundles, with the VM assets and tray icons', () => {
    expect([...config.mac.target, ...config.win.target, ...config.linux.target].sort()).toEqual(['AppImage', 'deb', 'dmg', 'nsis']);
    expect(config.extraMetadata.main).toBe('dist/main/electron.cjs');
    expect(config.extraResources).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'dist/vm', to: 'vm' }), expect.objectContaining({ from: 'build/icons', to: 'icons' })]));
    // `npm run dist` stages the built VM image where extraResources picks it up (the app passes resources/vm to the VM daemon).
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.dist).toContain('npm run vm:build -- --stage dist/vm');
    for (const icon of ['icon.png', 'tray-running.png', 'tray-busy.png', 'tray-stopped.png', 'tray-error.png']) expect(existsSync(`build/icons/${icon}`), icon).toBe(true);
  });

  it('gives the macOS app a hardened runtime with the network entitlements, and no VM binary of its own', () => {
    const plist = readFileSync(config.mac.entitlements, 'utf8');
    for (const key of ['network.client', 'network.server']) expect(plist).toMatch(new RegExp(`<key>com\\.apple\\.security\\.${key.replace('.', '\\.')}</key>\\s*<true/>`));
    expect(plist).not.toContain('com.apple.security.virtualization'); // QEMU (HVF) is the platform's, signed for itself
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.extraResources).toBeUndefined();
  });

  it('declares the berth:// scheme, so the installed app is its handler (macOS Info.plist, the Linux .desktop file)', () => {
    // macOS reads the schemes from Info.plist only, and the .desktop file's MimeType is how Linux desktops find
    // a handler; Windows is registered at run time (setAsDefaultProtocolClient in shell/main.ts).
    expect(config.protocols).toEqual([{ name: expect.any(String), schemes: [SCHEME] }]);
  });
});
