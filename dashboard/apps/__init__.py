"""Applications and society: the applications, augmentation, Train your own and pros & cons views."""
