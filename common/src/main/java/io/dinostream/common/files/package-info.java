/** Small file-system helpers shared by the modules. */
package io.dinostream.common.files;
