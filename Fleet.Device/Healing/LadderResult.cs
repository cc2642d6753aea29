using Fleet.Device.Inference;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing;

/// <summary>The end of a climb: healed or not, the rungs tried, and a replacement host when one took over.</summary>
internal sealed record LadderResult(HealOutcome Outcome, IReadOnlyList<HealRungResult> Rungs, ModelHost? Replacement);
