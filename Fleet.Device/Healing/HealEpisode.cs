using Fleet.Device.Inference;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing;

/// <summary>One handled trigger: the events to publish and, when the model changed, the host that now serves.</summary>
internal sealed record HealEpisode(HealEvent? Heal, InsightEvent? Insight, ModelHost? Replacement, TimeSpan Duration);
