/**
 * Service interfaces that sync-core and the transport and discovery modules implement and that
 * sync-api finds with {@link java.util.ServiceLoader}. Applications do not use them directly:
 * putting a module on the class path is what enables it.
 */
package dev.cloudless.sync.spi;
