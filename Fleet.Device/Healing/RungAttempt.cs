using Fleet.Device.Inference;

namespace Fleet.Device.Healing;

/// <summary>
/// What a rung did: not applicable (skipped), applied in place, or produced a replacement host; with a detail
/// for the heal event.
/// </summary>
internal sealed record RungAttempt(bool Applicable, bool Applied, ModelHost? Replacement, string Detail)
{
    public static RungAttempt NotApplicable(string detail) => new(false, false, null, detail);

    public static RungAttempt Failed(string detail) => new(true, false, null, detail);

    public static RungAttempt InPlace(string detail) => new(true, true, null, detail);

    public static RungAttempt Replaced(ModelHost host, string detail) => new(true, true, host, detail);
}
