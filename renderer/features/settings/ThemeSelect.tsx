import { chooseTheme } from '../../stores/preferences';
import { useUi, type Theme } from '../../stores/ui';

/** The theme picker (sidebar and Settings page): shows at once, kept in the settings file. */
export function ThemeSelect({ label }: { label: string }) {
  const theme = useUi((s) => s.theme);
  return (
    <select aria-label={label} value={theme} onChange={(e) => chooseTheme(e.target.value as Theme)}>
      <option value="system">System</option>
      <option value="light">Light</option>
      <option value="dark">Dark</option>
    </select>
  );
}
