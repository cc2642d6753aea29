using Akka.Actor;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Insights;
using Fleet.Shared.Diagnostics;

namespace Fleet.Gateway.Insights;

/// <summary>
/// Aggregates the fleet's failure insights per model version. Reads the store incrementally (insight ids only grow), so
/// a summary costs only the insights that arrived since the last one, and a gateway restart loses nothing.
/// </summary>
internal sealed class InsightAggregator : UntypedActor
{
    private const int PageSize = 1000;

    private readonly IFleetStore _store;
    private readonly InsightAggregationPolicy _policy;
    private readonly ILogger _logger;
    private readonly Dictionary<string, InsightState> _versions = new(StringComparer.Ordinal);

    public InsightAggregator(IFleetStore store, InsightAggregationPolicy policy, ILogger logger)
    {
        _store = store;
        _policy = policy.Validate() is [var problem, ..] ? throw new ArgumentException(problem, nameof(policy)) : policy;
        _logger = logger;
    }

    public static Props Props(IFleetStore store, InsightAggregationPolicy policy, ILogger logger) =>
        Akka.Actor.Props.Create(() => new InsightAggregator(store, policy, logger));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case GetInsightSummary request:
                var state = StateOf(request.ModelVersion);
                LoadAsync(_store, request, Sender, state.LastId).PipeTo(Self);
                break;
            case Loaded loaded:
                OnLoaded(loaded);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnLoaded(Loaded loaded)
    {
        if (loaded.Error is not null)
        {
            InsightLog.LoadFailed(_logger, loaded.Request.ModelVersion, loaded.Error);
            loaded.ReplyTo.Tell(new Status.Failure(loaded.Error), Self);
            return;
        }

        var state = StateOf(loaded.Request.ModelVersion);
        foreach (var record in loaded.Records)
        {
            if (InsightParser.Parse(record, out var error) is { } entry)
            {
                state.Add(entry, _policy.MaxInsightsPerVersion);
            }
            else
            {
                state.Reject(record.Id);
                InsightLog.InsightRejected(_logger, record.Id, record.DeviceId, error ?? "unreadable");
            }
        }

        loaded.ReplyTo.Tell(InsightSummarizer.Summarize(loaded.Request.ModelId, loaded.Request.ModelVersion, state, _policy), Self);
    }

    private InsightState StateOf(string modelVersion)
    {
        if (!_versions.TryGetValue(modelVersion, out var state))
        {
            _versions[modelVersion] = state = new InsightState();
        }

        return state;
    }

    private static async Task<Loaded> LoadAsync(IFleetStore store, GetInsightSummary request, IActorRef replyTo, long afterId)
    {
        var records = new List<InsightRecord>();
        try
        {
            while (true)
            {
                var page = await store.Insights.ListByModelVersionAsync(request.ModelVersion, afterId, PageSize, CancellationToken.None).ConfigureAwait(false);
                records.AddRange(page);
                if (page.Count < PageSize)
                {
                    return new Loaded(request, replyTo, records, null);
                }

                afterId = page[^1].Id;
            }
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            return new Loaded(request, replyTo, records, ex);
        }
    }

    private sealed record Loaded(GetInsightSummary Request, IActorRef ReplyTo, IReadOnlyList<InsightRecord> Records, Exception? Error) : INoSerializationVerificationNeeded;
}
