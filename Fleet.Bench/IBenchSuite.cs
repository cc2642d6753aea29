namespace Fleet.Bench;

/// <summary>A benchmark suite: measures a Fleet component and a baseline in the same run.</summary>
internal interface IBenchSuite
{
    /// <summary>Name used on the command line and as the results file name.</summary>
    string Name { get; }

    /// <summary>One line saying what is measured against what.</summary>
    string Description { get; }

    /// <summary>Runs the suite; the result's keys are the documented metric names.</summary>
    Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken);
}
