using System.Text.RegularExpressions;

namespace Fleet.Tests.Architecture;

/// <summary>
/// ARCHITECTURE.md's layering claims, checked on the sources: no dependency cycle between the top-level folders of
/// the gateway and the device, and nothing in the gateway but <c>Api/</c> and the composition root imports the API.
/// </summary>
public sealed partial class FolderDependencyTests
{
    [Theory]
    [InlineData("Fleet.Gateway")]
    [InlineData("Fleet.Device")]
    public void TopLevelFolders_HaveNoDependencyCycle(string project)
    {
        var edges = FolderEdges(Path.Combine(RepositoryRoot(), project), project);
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, $"{project}: folder cycle {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void OnlyApiAndTheCompositionRoot_ImportTheGatewayApi()
    {
        var root = Path.Combine(RepositoryRoot(), "Fleet.Gateway");
        var offenders = SourceFiles(root)
            .Where(f => !Path.GetRelativePath(root, f).StartsWith("Api" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "GatewayApp.cs")
            .Where(f => File.ReadAllText(f).Contains("Fleet.Gateway.Api", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void TheCycleFinder_FindsACycle()
    {
        var edges = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
        };
        Assert.NotNull(FindCycle(edges));
        edges["C"].Clear();
        Assert.Null(FindCycle(edges));
    }

    private static Dictionary<string, HashSet<string>> FolderEdges(string root, string project)
    {
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(d => d is not ("bin" or "obj" or "wwwroot" or "Properties")).ToHashSet(StringComparer.Ordinal);
        var qualified = new Regex(@"\b" + Regex.Escape(project) + @"\.([A-Z][A-Za-z0-9]*)");
        var edges = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var file in SourceFiles(root))
        {
            var relative = Path.GetRelativePath(root, file);
            var separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (separator < 0)
            {
                continue; // the project root (composition root, process-wide types) is not a folder
            }

            var from = relative[..separator];
            var text = LineComment().Replace(File.ReadAllText(file), string.Empty);
            foreach (Match match in qualified.Matches(text))
            {
                var to = match.Groups[1].Value;
                if (to != from && folders.Contains(to))
                {
                    edges[from].Add(to);
                }
            }
        }

        return edges;
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path[path.IndexOf(next)..], next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();
}
