using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace VaasWeb.Processing.Data;

internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));
