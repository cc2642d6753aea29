using System.Text.Json;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// What a rollout was started with, stored as its policy document so a restarted gateway resumes the same rollout:
/// the policy, the version devices return to on rollback, the waves (device ids, fixed at start) and the baseline
/// quality of those devices on the previous version.
/// </summary>
internal sealed record RolloutPlan(RolloutPolicyBody Policy, string FromVersion, IReadOnlyList<IReadOnlyList<string>> Waves, BaselineSample Baseline)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int Devices => Waves.Sum(w => w.Count);

    public RolloutPolicy ResolvePolicy() => Policy.ApplyTo(new RolloutPolicy());

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RolloutPlan FromJson(string json) =>
        JsonSerializer.Deserialize<RolloutPlan>(json, Json) ?? throw new JsonException("empty rollout plan");
}
