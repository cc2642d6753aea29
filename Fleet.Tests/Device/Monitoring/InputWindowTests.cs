using Fleet.Device.Monitoring;

namespace Fleet.Tests.Device.Monitoring;

public sealed class InputWindowTests
{
    [Fact]
    public void Sketch_OfRowsBeyondTheExpectedCount_DescribesEveryRow()
    {
        var window = new InputWindow(featureCount: 2, expectedRows: 2);
        for (var r = 0; r < 10; r++)
        {
            window.Add([r % 2 == 0 ? 0.25f : 0.75f, 1.5f, 99f]);
        }

        var sketch = window.Sketch()!;

        Assert.Equal(10, sketch.Samples);
        Assert.Equal([0.5f, 1.5f], sketch.Centroid);
        Assert.Equal([0.25f, 0f], sketch.StdDev);
        Assert.Equal(10, sketch.Histograms[0].Sum());
        Assert.Equal(5, sketch.Histograms[0][(int)((0.25f + 1f) / 3f * 16)]);
        Assert.Equal(10, sketch.Histograms[1][(int)((1.5f + 1f) / 3f * 16)]);
    }

    [Fact]
    public void Sketch_AfterReset_IsNull()
    {
        var window = new InputWindow(featureCount: 3, expectedRows: 4);
        window.Add([0f, 0f, 0f]);

        window.Reset();

        Assert.Null(window.Sketch());
        Assert.Equal(0, window.Rows.Length);
    }
}
