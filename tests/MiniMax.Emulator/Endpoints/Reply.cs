using MiniMax.Emulator.Contract;

namespace MiniMax.Emulator.Endpoints;

/// <summary>MiniMax answers: HTTP 200 with snake_case JSON, errors included.</summary>
public static class Reply
{
    public static IResult Json<T>(T body) => Results.Json(body, ContractJson.Options);

    public static IResult Error(int code, string message) => Json(new ErrorResponse(new BaseResp(code, message)));

    public static IResult InvalidParams(string message) => Error(MiniMaxCodes.InvalidParams, message);
}
