using System.Globalization;

namespace Fleet.Device.Simulation;

/// <summary>A sysfs-shaped directory whose thermal zone a simulated device controls (read through HardwareSensors).</summary>
internal sealed class SimulatedSensors
{
    public SimulatedSensors(string root)
    {
        Root = root;
        Directory.CreateDirectory(Path.Combine(root, "sys/class/thermal/thermal_zone0"));
        SetTemperature(45);
    }

    public string Root { get; }

    public void SetTemperature(double celsius) =>
        File.WriteAllText(Path.Combine(Root, "sys/class/thermal/thermal_zone0/temp"), ((long)(celsius * 1000)).ToString(CultureInfo.InvariantCulture));
}
