using Microsoft.AspNetCore.Mvc;
using MiniMax.Emulator.Callbacks;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.Faults;
using MiniMax.Emulator.Requests;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Endpoints;

public sealed record ControlError(string Error);

public sealed record FaultCreated(string Id);

public sealed record FailRequest(int? Code, string? Message);

/// <summary>
/// The test-only API: settings, faults, forced failures and the request log. No key, and never logged or
/// fault-injected itself, so a test can always see and undo what it set up.
/// </summary>
public static class ControlEndpoints
{
    public static IEndpointRouteBuilder MapControlEndpoints(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/control");
        control.MapGet("/settings", (EmulatorSettings settings) => Reply.Json(settings.Current));
        control.MapPut("/settings", UpdateSettingsAsync);
        control.MapPost("/faults", AddFaultAsync);
        control.MapGet("/faults", (FaultInjector faults) => Reply.Json(faults.List()));
        control.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        control.MapDelete("/faults/{id}", (string id, FaultInjector faults) => faults.Remove(id) ? Results.NoContent() : NotFound($"no fault {id}"));
        control.MapPost("/tasks/{task_id}/fail", FailTaskAsync);
        control.MapGet("/requests", (string? endpoint, [FromQuery(Name = "task_id")] string? taskId, RequestLog log) =>
            Reply.Json(log.Entries(endpoint, taskId)));
        control.MapGet("/callbacks", ([FromQuery(Name = "task_id")] string? taskId, CallbackSender callbacks) => Reply.Json(callbacks.Entries(taskId).ToList()));
        control.MapDelete("/requests", (RequestLog log) =>
        {
            log.Clear();
            return Results.NoContent();
        });
        return app;
    }

    private static async Task<IResult> UpdateSettingsAsync(HttpContext context, EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var (patch, error) = await ContractJson.ReadAsync<SettingsPatch>(context.Request, cancellationToken);
        if (patch is null)
        {
            return BadRequest(error!);
        }

        return settings.Apply(patch) is { } invalid ? BadRequest(invalid) : Reply.Json(settings.Current);
    }

    private static async Task<IResult> AddFaultAsync(HttpContext context, FaultInjector faults, CancellationToken cancellationToken)
    {
        var (spec, error) = await ContractJson.ReadAsync<FaultSpec>(context.Request, cancellationToken);
        if (spec is null)
        {
            return BadRequest(error!);
        }

        var (fault, invalid) = faults.Add(spec);
        return fault is null
            ? BadRequest(invalid!)
            : Results.Json(new FaultCreated(fault.Id), ContractJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> FailTaskAsync(
        HttpContext context,
        [FromRoute(Name = "task_id")] string taskId,
        TaskStore tasks,
        CancellationToken cancellationToken)
    {
        if (tasks.Find(taskId) is not { } task)
        {
            return NotFound($"no task {taskId}");
        }

        // The body is optional: an empty one means "the default failure".
        var request = context.Request.ContentLength is 0 or null && !context.Request.Headers.TransferEncoding.Any()
            ? new FailRequest(null, null)
            : (await ContractJson.ReadAsync<FailRequest>(context.Request, cancellationToken)).Value;
        if (request is null)
        {
            return BadRequest("body must be {\"code\"?: int, \"message\"?: string}");
        }

        var code = request.Code ?? MiniMaxCodes.OutputSensitive;
        task.Fail(new TaskFailure(code, request.Message ?? MiniMaxCodes.MessageFor(code)));
        return Reply.Json(new QueryResponse(task.TaskId, VideoStatus.Fail, null, null, null, new BaseResp(code, task.Failure!.Message)));
    }

    private static IResult BadRequest(string error) =>
        Results.Json(new ControlError(error), ContractJson.Options, statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound(string error) =>
        Results.Json(new ControlError(error), ContractJson.Options, statusCode: StatusCodes.Status404NotFound);
}
