namespace Fleet.Gateway.Twins;

/// <summary>The newest (epoch, seq) accepted from a device on one topic; docs/PROTOCOL.md orders by epoch, then seq.</summary>
internal readonly record struct SeqMark(long Epoch, long Seq)
{
    /// <summary>True when (<paramref name="epoch"/>, <paramref name="seq"/>) comes after this mark.</summary>
    public bool IsBefore(long epoch, long seq) => epoch > Epoch || (epoch == Epoch && seq > Seq);
}
