using ActiveIT.Grains.Runs;
using ActiveIT.Core.Formats;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Pools;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Orleans.Runtime;

namespace ActiveIT.Silo;

/// <summary>
/// Maps exceptions to problem details: bad input 400 (with file and location), unknown 404, state conflicts 409, too
/// large 413, an unreachable silo of the cluster 503 (with Retry-After: until membership declares a killed silo dead,
/// calls to the grains it held fail; then they activate elsewhere), the rest 500. A 503 or 500 says what happened in
/// the API's words and carries the request's trace id; the exception's text — silo addresses, stack frames — goes to
/// the log under that id only.
/// </summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseActiveItErrors(this IApplicationBuilder app) => app.UseExceptionHandler(handler => handler.Run(async context =>
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = error switch
        {
            TaskFormatException e => Results.Problem(statusCode: 400, title: "Invalid task data", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["file"] = e.File, ["location"] = e.Location }),
            ArgumentException e => Results.Problem(statusCode: 400, title: "Invalid request", detail: e.Message),
            KeyNotFoundException e => Results.Problem(statusCode: 404, title: "Not found", detail: e.Message),
            RunStateException e => Results.Problem(statusCode: 409, title: "Conflict", detail: e.Message),
            PoolAccessException e => Results.Problem(statusCode: 403, title: "Not allowed for this pool", detail: e.Message),
            IdempotencyKeyReusedException e => Results.Problem(statusCode: 422, title: "Idempotency key reused", detail: e.Message),
            PoolPinnedException e => Results.Problem(statusCode: 409, title: "Pool in use", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["runs"] = e.Runs }),
            BadHttpRequestException { StatusCode: 413 } e => Results.Problem(statusCode: 413, title: "Request too large", detail: e.Message),
            BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => Results.Problem(statusCode: 400, title: "Invalid JSON body",
                detail: json.Message.Contains("Path:", StringComparison.Ordinal)
                    ? $"request body: {json.Message}"
                    : $"request body, line {json.LineNumber + 1}, {json.Path ?? "$"}: {json.Message}", extensions: new Dictionary<string, object?> { ["path"] = json.Path, ["line"] = json.LineNumber + 1 }),
            BadHttpRequestException { StatusCode: 400 } when context.Request.ContentLength is 0 => Results.Problem(statusCode: 400, title: "Empty body",
                detail: "request body: empty at line 1; this endpoint expects a JSON body"),
            BadHttpRequestException e => Results.Problem(statusCode: e.StatusCode, title: "Bad request", detail: e.Message),
            // The storage is consistent: the client should retry, not give up.
            _ when ClusterFaults.IsTransient(error) => Unavailable(context, error!),
            _ => Internal(context, error),
        };
        await result.ExecuteAsync(context);
    }));

    private static IResult Unavailable(HttpContext context, Exception error)
    {
        context.Response.Headers.RetryAfter = "5";
        if (Inner<System.Data.Common.DbException>(error) is not null)
        {
            Log(context, error, "the database asked to try again");
            return Results.Problem(statusCode: 503, title: "The database is busy",
                detail: $"the cluster's database refused this request for now (e.g. no free connection); nothing was half-done; retry shortly (trace {context.TraceIdentifier})");
        }
        Log(context, error, "a silo of the cluster was unreachable");
        return Results.Problem(statusCode: 503, title: "A silo of the cluster is unreachable",
            detail: $"a silo holding part of this request's data went away; the cluster recovers once membership declares it dead; retry shortly " +
                $"(trace {context.TraceIdentifier})");
    }

    private static T? Inner<T>(Exception? error) where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }
        return null;
    }

    private static IResult Internal(HttpContext context, Exception? error)
    {
        Log(context, error, "the request failed");
        return Results.Problem(statusCode: 500, title: "Internal error", detail: $"the silo could not complete the request; its log has the cause under trace {context.TraceIdentifier}");
    }

    private static void Log(HttpContext context, Exception? error, string what) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActiveIT.Errors")
            .LogError(error, "{What}: {Method} {Path} (trace {Trace})", what, context.Request.Method, context.Request.Path, context.TraceIdentifier);
}
