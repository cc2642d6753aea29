namespace Fleet.Gateway.Store.Twins;

internal enum ReportedWriteStatus
{
    Written,

    /// <summary>A report with the same or a newer (epoch, seq) is already stored; nothing changed.</summary>
    Stale,

    UnknownDevice,
}
