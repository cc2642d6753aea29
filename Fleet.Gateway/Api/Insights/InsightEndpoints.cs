using Fleet.Gateway.Twins;
using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Insights;
using Akka.Actor;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Api.Insights;

/// <summary>The fleet's aggregated failure insights per model version (what distillation learns from).</summary>
internal static class InsightEndpoints
{
    private static readonly TimeSpan AggregationTimeout = TimeSpan.FromSeconds(30);

    public static void MapInsights(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/models/{id}/{version}/insights", GetAsync).RequireAuthorization(AuthSetup.Read);
    }

    private static async Task<IResult> GetAsync(string id, string version, FleetRuntime runtime, FleetStoreService store, CancellationToken cancellationToken)
    {
        InsightSummary summary;
        try
        {
            summary = await runtime.Insights.AskAsync<InsightSummary>(new GetInsightSummary(id, version), AggregationTimeout, runtime.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return ApiProblems.Timeout($"aggregating the insights of {id} {version} took longer than {AggregationTimeout.TotalSeconds:0} s");
        }

        if (summary.Insights == 0 && await store.Store.Models.GetAsync(id, version, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound($"model {id} {version} is not registered and has no insights");
        }

        return Results.Ok(summary);
    }
}
