<?php

namespace Acme\Greeter;

use Acme\Hello\Hello;

final class Greeter
{
    public static function greetTwice(string $who): string
    {
        return Hello::greet($who) . ' | greeter 2.0.0';
    }
}
