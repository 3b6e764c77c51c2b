package acme.app;

import acme.tools.Tools;
import acme.tools.greeter.Greeter;

/** Compiles only against the released library and the second SNAPSHOT build (Greeter.secondBuild). */
public final class App {
  public static void main(String[] args) {
    System.out.println(Tools.hello() + " / " + Greeter.greet() + " / " + Greeter.secondBuild());
  }
}
