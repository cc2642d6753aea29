using Fleet.Gateway.Store.Insights;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    [Fact]
    public async Task AppendInsight_StampsReceiveTime_AndIdsGrow()
    {
        var first = await Store.Insights.AppendAsync(new NewInsight("pi-1", "1.2.0", "kl-spike:dense2", """{"kl":0.4}"""), Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.Insights.AppendAsync(new NewInsight("pi-2", "1.2.0", "kl-spike:dense2", """{"kl":0.5}"""), Ct);

        Assert.True(second.Id > first.Id);
        Assert.Equal(Clock.GetUtcNow(), second.Received);
        Assert.Equal([first, second], await Store.Insights.ListByModelVersionAsync("1.2.0", 0, 10, Ct));
    }

    [Fact]
    public async Task ListInsights_ResumesAfterAnId_AndKeepsModelVersionsApart()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Store.Insights.AppendAsync(new NewInsight($"pi-{i}", "1.2.0", "sig", "{}"), Ct)).Id);
            await Store.Insights.AppendAsync(new NewInsight($"pi-{i}", "1.3.0", "sig", "{}"), Ct);
        }

        var firstTwo = await Store.Insights.ListByModelVersionAsync("1.2.0", 0, 2, Ct);
        var rest = await Store.Insights.ListByModelVersionAsync("1.2.0", firstTwo[^1].Id, 10, Ct);

        Assert.Equal(ids, firstTwo.Concat(rest).Select(i => i.Id));
        Assert.All(rest, i => Assert.Equal("1.2.0", i.ModelVersion));
    }

    [Fact]
    public async Task CountInsightsBySignature_CountsPerModelVersion()
    {
        await Store.Insights.AppendAsync(new NewInsight("a", "1.2.0", "drift:input0", "{}"), Ct);
        await Store.Insights.AppendAsync(new NewInsight("b", "1.2.0", "drift:input0", "{}"), Ct);
        await Store.Insights.AppendAsync(new NewInsight("c", "1.2.0", "quality:class3", "{}"), Ct);
        await Store.Insights.AppendAsync(new NewInsight("c", "1.3.0", "quality:class3", "{}"), Ct);

        var counts = await Store.Insights.CountBySignatureAsync("1.2.0", Ct);

        Assert.Equal(new Dictionary<string, int> { ["drift:input0"] = 2, ["quality:class3"] = 1 }, counts);
        Assert.Empty(await Store.Insights.CountBySignatureAsync("0.0.1", Ct));
    }

    [Fact]
    public async Task ListInsights_ReaderResumingAfterLastId_MissesNothingWrittenConcurrently()
    {
        const int writers = 8;
        const int insightsEach = 40;
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < insightsEach; i++)
            {
                await Store.Insights.AppendAsync(new NewInsight($"pi-{w}", "1.2.0", "sig", $$"""{"i":{{i}}}"""), Ct);
            }
        })));

        var seen = new List<long>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (seen.Count < writers * insightsEach && DateTime.UtcNow < deadline)
        {
            var batch = await Store.Insights.ListByModelVersionAsync("1.2.0", seen.Count == 0 ? 0 : seen[^1], 7, Ct);
            seen.AddRange(batch.Select(i => i.Id));
            if (batch.Count == 0)
            {
                await Task.Delay(1); // a polling reader, as the aggregator is; no timing is asserted
            }
        }

        await writing;
        var all = await Store.Insights.ListByModelVersionAsync("1.2.0", 0, 1000, Ct);
        Assert.Equal(writers * insightsEach, all.Count);
        Assert.Equal(all.Select(i => i.Id), seen);
    }

    [Fact]
    public async Task AppendInsight_BadPayload_ThrowsArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Insights.AppendAsync(new NewInsight("a", "1.2.0", "sig", "nope"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Insights.AppendAsync(new NewInsight("a", "", "sig", "{}"), Ct));
        Assert.Empty(await Store.Insights.ListByModelVersionAsync("1.2.0", 0, 10, Ct));
    }
}
