using System.Globalization;
using System.Reflection;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Loads a dialect's migrations from the resources embedded as <c>FleetStore/{Dialect}/Migrations/NNNN_name.sql</c>.</summary>
internal static class MigrationCatalog
{
    public static IReadOnlyList<Migration> Load(string dialectFolder)
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var prefix = $"FleetStore/{dialectFolder}/Migrations/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = name[prefix.Length..^".sql".Length];
            var separator = file.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(file.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"migration resource {resource} is not named NNNN_name.sql");
            }

            migrations.Add(new Migration(version, file[(separator + 1)..], Read(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"{dialectFolder} migrations must be numbered 1, 2, 3, … without gaps; found {migrations[i].Version} at position {i + 1}");
            }
        }

        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"migration resource {resource} vanished");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
