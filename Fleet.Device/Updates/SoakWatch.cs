namespace Fleet.Device.Updates;

/// <summary>
/// An activated update on probation: it becomes known-good after <see cref="WindowsLeft"/> clean windows, and is
/// rolled back at the first heal or quality failure before that.
/// </summary>
internal sealed record SoakWatch(long DesiredVersion, string NewKey, string PreviousKey, string ModelVersion, int WindowsLeft);
