using System.Text.Json;
using Fleet.Cli.Demo;

namespace Fleet.Tests.Cli.Demo;

public sealed class DemoStoryTests
{
    [Fact]
    public void DistillationOutcome_ReportsTheErrorsBeforeAndAfter()
    {
        using var metrics = JsonDocument.Parse("""{"regionErrorBefore":1.7157,"regionErrorAfter":0.0349,"normalErrorBefore":0.01,"normalErrorAfter":0.012}""");

        var line = DemoStory.DistillationOutcome(metrics.RootElement);

        Assert.Equal("error vs the teacher on the failing region 1.7157 → 0.0349, on the normal range 0.01 → 0.012", line);
    }

    [Fact]
    public void DistillationOutcome_SaysWhenTheParentAlreadyMatchedTheTeacher_InsteadOfSuggestingItGotWorse()
    {
        using var metrics = JsonDocument.Parse("""{"regionErrorBefore":0,"regionErrorAfter":0.0022,"normalErrorBefore":0,"normalErrorAfter":0.0021}""");

        var line = DemoStory.DistillationOutcome(metrics.RootElement);

        Assert.StartsWith("error vs the teacher on the failing region 0 → 0.0022", line, StringComparison.Ordinal);
        Assert.Contains("the parent already matched its teacher on that region", line, StringComparison.Ordinal);
    }
}
