namespace Fleet.Gateway.Dashboard;

/// <summary>
/// Serves the operator dashboard: <c>/</c> is the page, <c>/assets/{name}</c> its scripts and styles. Anonymous:
/// the files hold no fleet data; the page reads everything through the token-protected public API.
/// </summary>
internal static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context, DashboardAssets assets) => Serve(context, assets.Find("index.html"))).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/assets/{**name}", (string name, HttpContext context, DashboardAssets assets) => Serve(context, assets.Find(name))).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, DashboardAsset? asset)
    {
        if (asset is null)
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;

        // Revalidate on every load (a 304 is cheap) so a new gateway build is picked up at once.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
