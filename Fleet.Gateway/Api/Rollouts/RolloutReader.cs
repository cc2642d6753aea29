using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Rollouts;

namespace Fleet.Gateway.Api.Rollouts;

/// <summary>Rollout views for the API: the manager's live view when it holds the rollout, else one built from the store.</summary>
internal static class RolloutReader
{
    public static async Task<RolloutView> ViewAsync(IFleetStore store, RolloutRecord record, IReadOnlyDictionary<string, RolloutView> live, CancellationToken cancellationToken)
    {
        if (live.TryGetValue(record.Id, out var view) && view.Updated >= record.Updated)
        {
            return view;
        }

        var results = await store.Rollouts.ListDeviceResultsAsync(record.Id, cancellationToken).ConfigureAwait(false);
        var gates = view is null ? new Dictionary<int, GateVerdict>() : Gates(view);
        return RolloutViews.Build(record, RolloutPlan.FromJson(record.PolicyJson), results.ToDictionary(r => r.DeviceId, StringComparer.Ordinal), gates);
    }

    // The live view's verdicts, kept when the store is a step ahead of it.
    private static Dictionary<int, GateVerdict> Gates(RolloutView view) =>
        view.Waves.Where(w => w.Gate is not null).ToDictionary(
            w => w.Index,
            w => new GateVerdict(Enum.Parse<GateDecision>(w.Gate!.Decision, ignoreCase: true), w.Gate.Reasons));
}
