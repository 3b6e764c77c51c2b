<?php

namespace Acme\Hello;

final class Hello
{
    public static function greet(string $who): string
    {
        return "hello, {$who}, from acme/hello-composer " . self::VERSION;
    }

    public const VERSION = '1.0.0';
}
